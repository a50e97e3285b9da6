/** Why a setting cannot be changed on this screen. */
export const LOCKED_BY_POLICY = "Locked: set by your IT department's policy";
/** Why a setting is shown but not offered: only IT sets it, policy or not. */
export const SET_BY_IT = 'Set by IT (not changeable in the app)';

/** The lock note beside a setting. */
export function LockedNote({ locked }: { locked: boolean }) {
  return <span className={locked ? 'settings-locked' : 'muted'}>{locked ? LOCKED_BY_POLICY : SET_BY_IT}</span>;
}
