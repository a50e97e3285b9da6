import type { Ref } from 'react';
import { MAX_PROFILE_NAME_LENGTH } from './authText';

/** Props of {@link ProfileNameField}. */
export interface ProfileNameFieldProps {
  id: string;
  value: string;
  onChange(value: string): void;
  /** `off` where a new name is made up, `username` where an existing one is typed again. */
  autoComplete: 'off' | 'username';
  /** Id of a hint the control refers to. */
  describedBy?: string;
  inputRef?: Ref<HTMLInputElement>;
}

/**
 * The "Name" box of the profile forms: focused first, as long as a profile name may be, no spell check (names are
 * not words to correct).
 */
export function ProfileNameField({ id, value, onChange, autoComplete, describedBy, inputRef }: ProfileNameFieldProps) {
  return (
    <div className="field">
      <div className="field-label-row">
        <label htmlFor={id}>Name</label>
      </div>
      <input
        id={id}
        ref={inputRef}
        className="input"
        type="text"
        value={value}
        maxLength={MAX_PROFILE_NAME_LENGTH}
        autoComplete={autoComplete}
        spellCheck={false}
        autoFocus
        aria-describedby={describedBy}
        onChange={(event) => onChange(event.target.value)}
      />
    </div>
  );
}
