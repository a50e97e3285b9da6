/**
 * Why a setting the IT policy sets cannot be changed on this screen. Only such a setting says "Set by IT": a value the
 * policy does not set is the app's default or this workstation's start-up configuration, and saying IT chose it would
 * send the clinician to IT for a choice nobody made.
 */
export const LOCKED_BY_POLICY = "Set by IT — locked by your IT department's policy";
/** Why a setting the policy does not set is shown but not offered: the app only lets IT or the installation change it. */
export const READ_ONLY = 'Not changeable in the app';

/** The note beside a read-only setting: set by IT's policy (locked), or simply not changeable here. */
export function LockedNote({ locked }: { locked: boolean }) {
  return <span className={locked ? 'settings-locked' : 'muted'}>{locked ? LOCKED_BY_POLICY : READ_ONLY}</span>;
}
