import type { ExportedTurn } from '../../shared/export';
import { formatLocalDateTimeWithOffset, type TimeZoneChoice } from '../../shared/localTime';

/** How a turn ended, for people: "complete", "incomplete (stream cut)", … */
export function turnStatusText(turn: ExportedTurn): string {
  if (turn.status !== 'incomplete') return turn.status;
  const reason = turn.incompleteReason === null ? null : turn.incompleteReason.replace('_', ' ');
  return reason === null ? 'incomplete' : `incomplete (${reason})`;
}

/**
 * A turn's facts as label/value pairs, in the order both the Markdown and the printed export show them. Times are the
 * workstation's local time with its UTC offset, as the screen shows them (the JSON export keeps them in UTC).
 */
export function turnFacts(turn: ExportedTurn, zone: TimeZoneChoice = {}): [label: string, value: string][] {
  return [
    ['Status', turnStatusText(turn)],
    ['Asked', formatLocalDateTimeWithOffset(turn.askedAt, zone)],
    ['Answered', formatLocalDateTimeWithOffset(turn.answeredAt, zone)],
    ['Model', turn.model ?? '—'],
    ['Endpoint', turn.endpoint ?? '—'],
    ['Inference time', turn.inferenceTimeMs === null ? '—' : `${(turn.inferenceTimeMs / 1000).toFixed(1)} s`],
    ...(turn.parentTurnId === null ? [] : ([['Regenerated from', turn.parentTurnId]] as [string, string][])),
    ...(turn.historyTrimmed ? ([['History', 'older turns were left out of the prompt']] as [string, string][]) : []),
  ];
}
