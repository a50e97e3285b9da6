/**
 * Why a setting the IT policy sets cannot be changed on this screen. Only such a setting says "Set by IT": a value the
 * policy does not set is the app's default or this workstation's start-up configuration, and saying IT chose it would
 * send the clinician to IT for a choice nobody made.
 */
export const LOCKED_BY_POLICY = "Set by IT — locked by your IT department's policy";

/**
 * The note beside a setting IT's policy sets; nothing beside the others (the list's introduction says none of them can be
 * changed in the app — repeated on every row it buried the few that IT does set).
 */
export function LockedNote({ locked }: { locked: boolean }) {
  return locked ? <span className="settings-locked">{LOCKED_BY_POLICY}</span> : null;
}
