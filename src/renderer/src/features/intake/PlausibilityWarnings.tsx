import { useAppStore } from '../../stores/appStore';

/**
 * The "I confirm these values are correct" checkbox the send waits for when values may be typos. The values
 * themselves are marked on their fields, each with its message; this box says how many and takes the confirmation.
 * Nothing renders when no value needs confirming.
 */
export function PlausibilityWarnings() {
  const count = useAppStore((s) => s.warnings.length);
  const confirmed = useAppStore((s) => s.warningsConfirmed);
  const setWarningsConfirmed = useAppStore((s) => s.setWarningsConfirmed);
  if (count === 0) return null;

  return (
    <section className="warnings" aria-labelledby="plausibility-title">
      {/* h3: a part of the "Patient intake" form, whose own heading is the h2. */}
      <h3 id="plausibility-title" className="warnings-title">
        {count === 1 ? 'Please check the value marked “Check” above' : `Please check the ${count} values marked “Check” above`}
      </h3>
      <div className="checkbox-row">
        <input
          id="plausibility-confirm"
          type="checkbox"
          checked={confirmed}
          onChange={(event) => setWarningsConfirmed(event.target.checked)}
        />
        <label htmlFor="plausibility-confirm">I confirm these values are correct</label>
      </div>
      {!confirmed && <p className="warnings-hint">Tick the box, then choose “Get protocol” again to send.</p>}
    </section>
  );
}
