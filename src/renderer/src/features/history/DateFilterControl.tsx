import { useId } from 'react';
import { useAppStore } from '../../stores/appStore';
import type { HistoryDateFilter } from '../../stores/uiSlice';

const PRESETS: readonly { kind: Exclude<HistoryDateFilter['kind'], 'range'> | 'range'; label: string }[] = [
  { kind: 'all', label: 'All' },
  { kind: 'today', label: 'Today' },
  { kind: 'week', label: 'Last 7 days' },
  { kind: 'range', label: 'Dates…' },
];

/**
 * The sessions list's date filter (last activity): all, today, the last 7 days, or a from–to range of days. The store
 * reads only the matching rows from the history index; the search combines with it.
 */
export function DateFilterControl() {
  const filter = useAppStore((s) => s.historyDateFilter);
  const setFilter = useAppStore((s) => s.setHistoryDateFilter);
  const range = filter.kind === 'range' ? filter : null;
  const fromId = useId();
  const toId = useId();
  return (
    <fieldset className="date-filter" aria-label="Last activity">
      <div className="date-filter-presets" role="group" aria-label="Show sessions active">
        {PRESETS.map((preset) => (
          <button
            key={preset.kind}
            type="button"
            className="button-quiet date-filter-preset"
            aria-pressed={filter.kind === preset.kind}
            onClick={() => void setFilter(preset.kind === 'range' ? { kind: 'range', from: range?.from ?? '', to: range?.to ?? '' } : { kind: preset.kind })}
          >
            {preset.label}
          </button>
        ))}
      </div>
      {range !== null && (
        // Labels and inputs on one grid (labels in one column, inputs in the next), so From and To line up.
        <div className="date-filter-range">
          <label htmlFor={fromId}>From</label>
          <input
            id={fromId}
            className="input"
            type="date"
            value={range.from}
            max={range.to || undefined}
            onChange={(event) => void setFilter({ ...range, from: event.target.value })}
          />
          <label htmlFor={toId}>To</label>
          <input id={toId} className="input" type="date" value={range.to} min={range.from || undefined} onChange={(event) => void setFilter({ ...range, to: event.target.value })} />
        </div>
      )}
    </fieldset>
  );
}
