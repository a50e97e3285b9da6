import type { ExportedTurn } from '../../shared/export';

/** How a turn ended, for people: "complete", "incomplete (stream cut)", … */
export function turnStatusText(turn: ExportedTurn): string {
  if (turn.status !== 'incomplete') return turn.status;
  const reason = turn.incompleteReason === null ? null : turn.incompleteReason.replace('_', ' ');
  return reason === null ? 'incomplete' : `incomplete (${reason})`;
}

/** A turn's facts as label/value pairs, in the order both the Markdown and the printed export show them. */
export function turnFacts(turn: ExportedTurn): [label: string, value: string][] {
  return [
    ['Status', turnStatusText(turn)],
    ['Asked', turn.askedAt],
    ['Answered', turn.answeredAt],
    ['Model', turn.model ?? '—'],
    ['Endpoint', turn.endpoint ?? '—'],
    ['Inference time', turn.inferenceTimeMs === null ? '—' : `${(turn.inferenceTimeMs / 1000).toFixed(1)} s`],
    ...(turn.parentTurnId === null ? [] : ([['Regenerated from', turn.parentTurnId]] as [string, string][])),
    ...(turn.historyTrimmed ? ([['History', 'older turns were left out of the prompt']] as [string, string][]) : []),
  ];
}
