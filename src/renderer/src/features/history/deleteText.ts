/** What the delete dialog says; a function of whether the delete reaches the clinician's other workstations. */

/** The dialog's title. */
export const DELETE_DIALOG_TITLE = 'Delete this session?';

/**
 * What deleting does. `everywhere`: sync is on and the session is kept (synced), so the delete reaches every
 * workstation of the clinic and the server; otherwise only this workstation holds it.
 */
export function deleteWarning(everywhere: boolean): string {
  return everywhere
    ? "Deletes this patient's session on every workstation of the clinic. It cannot be undone."
    : "Deletes this patient's session on this workstation. It cannot be undone.";
}
