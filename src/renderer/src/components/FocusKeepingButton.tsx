import type { ButtonHTMLAttributes } from 'react';

/** Props of {@link FocusKeepingButton}: a button's, with `onPress` for `onClick` and `unavailable` for a pause that keeps the focus (`disabled` stays for what is never possible, e.g. forbidden by policy). */
export interface FocusKeepingButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'onClick' | 'type'> {
  /** Read and shown as disabled, and presses are ignored — but it stays focusable. */
  readonly unavailable: boolean;
  readonly onPress: () => void;
}

/**
 * A button that is unavailable while its work runs (Stop once pressed, "Check again" while checking…) without being
 * `disabled`: a disabled button drops the keyboard focus to the page, so a keyboard user would start again from the
 * top. `aria-disabled` tells assistive technology; presses while unavailable do nothing.
 */
export function FocusKeepingButton({ unavailable, onPress, ...button }: FocusKeepingButtonProps) {
  return (
    <button
      type="button"
      {...button}
      aria-disabled={unavailable || undefined}
      onClick={() => {
        if (!unavailable) onPress();
      }}
    />
  );
}
