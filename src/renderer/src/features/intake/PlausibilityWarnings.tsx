import { useAppStore } from '../../stores/appStore';

/**
 * Unusual values to confirm before sending: the list, and the "I confirm these values are correct" checkbox the
 * send waits for. Nothing renders when every value is within the usual ranges.
 */
export function PlausibilityWarnings() {
  const warnings = useAppStore((s) => s.warnings);
  const confirmed = useAppStore((s) => s.warningsConfirmed);
  const setWarningsConfirmed = useAppStore((s) => s.setWarningsConfirmed);
  if (warnings.length === 0) return null;

  return (
    <section className="warnings" aria-labelledby="plausibility-title">
      {/* h3: a part of the "Patient intake" form, whose own heading is the h2. */}
      <h3 id="plausibility-title" className="warnings-title">
        Please check these values
      </h3>
      <ul className="warnings-list">
        {warnings.map((warning) => (
          <li key={`${warning.field}:${warning.message}`}>{warning.message}</li>
        ))}
      </ul>
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
