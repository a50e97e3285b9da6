import type { Ref } from 'react';

/** Props of {@link PassphraseField}. */
export interface PassphraseFieldProps {
  id: string;
  /** The exact accessible name (end-to-end tests find the control by it). */
  label: string;
  value: string;
  onChange(value: string): void;
  autoComplete: 'current-password' | 'new-password';
  /** Id of a hint the control refers to. */
  describedBy?: string;
  inputRef?: Ref<HTMLInputElement>;
  autoFocus?: boolean;
}

/**
 * A passphrase box. Its value lives only in the form's local state (never the store) and the form clears it once
 * submitted. No spell check: Chromium's spell checker would otherwise look at the words of a passphrase.
 */
export function PassphraseField({ id, label, value, onChange, autoComplete, describedBy, inputRef, autoFocus }: PassphraseFieldProps) {
  return (
    <div className="field">
      <div className="field-label-row">
        <label htmlFor={id}>{label}</label>
      </div>
      <input
        id={id}
        ref={inputRef}
        className="input"
        type="password"
        value={value}
        autoComplete={autoComplete}
        autoCapitalize="off"
        autoCorrect="off"
        spellCheck={false}
        aria-describedby={describedBy}
        autoFocus={autoFocus}
        onChange={(event) => onChange(event.target.value)}
      />
    </div>
  );
}
