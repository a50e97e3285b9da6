import { useEffect } from 'react';
import { useAppStore } from '../../stores/appStore';

/** The sentence about records in the older format: how many there are, and what becomes of them. */
export function olderFormatText(count: number): string {
  if (count === 0) return 'All your stored records are in the current format.';
  return `${count === 1 ? '1 record' : `${count} records`} of your history ${count === 1 ? 'is' : 'are'} in the older format; ${
    count === 1 ? 'it is' : 'they are'
  } re-sealed in the current format when ${count === 1 ? 'its' : 'their'} session is continued.`;
}

/**
 * For the settings screen (and IT): how many of the clinician's stored records are still in the older record format,
 * counted from the history store when the screen opens. Nothing is opened to count them.
 */
export function HistoryFormatNote() {
  const count = useAppStore((s) => s.olderFormatRecords);
  const countOlderFormatRecords = useAppStore((s) => s.countOlderFormatRecords);
  useEffect(() => {
    void countOlderFormatRecords();
  }, [countOlderFormatRecords]);
  return (
    <section className="settings-section" aria-labelledby="history-format-title">
      <h3 id="history-format-title">Stored history</h3>
      <p className="form-hint" data-testid="older-format-records">
        {count === null ? 'Counting the records of your history…' : olderFormatText(count)}
      </p>
    </section>
  );
}
