import { useId } from 'react';

/** One bar. */
export interface Bar {
  /** Under the bar (short: "2 Dec", "00:00"). */
  label: string;
  value: number;
  /** In the table and the bar's tooltip when the axis label is abbreviated ("Wed, 2 Dec 2026"). */
  longLabel?: string;
}

/** Props of {@link BarChart}. */
export interface BarChartProps {
  title: string;
  /** Says what the chart shows, for screen readers (the table under it carries the figures). */
  description: string;
  bars: readonly Bar[];
  /** Column headers of the data table alternative. */
  labelHeader: string;
  valueHeader: string;
  /**
   * Which end of the axis is always labelled when not every bar can be: the first (hours start at 00:00) or the last
   * (days end today).
   */
  labelFrom?: 'start' | 'end';
}

/** The drawing's coordinate space (the SVG scales to the column's width). */
const WIDTH = 480;
/** Room left and right of the bars so the first and last axis labels, centred under their bars, stay inside. */
const PAD_X = 24;
/** Room above the tallest bar for its value. */
const TOP = 14;
const BASELINE = 140;
const AXIS = 18;
const FONT = 10;
/** A bar never gets wider than this, however few there are: a single wide slab reads as a block, not a bar. */
const MAX_BAR = 40;
/** Rough width of one character of an axis label at {@link FONT} (digits and short month names). */
const CHAR = 6;

/** Every how many bars an axis label fits without overlapping its neighbour. */
function labelStep(bars: readonly Bar[], slot: number): number {
  const widest = Math.max(0, ...bars.map((bar) => bar.label.length)) * CHAR + 8;
  return Math.max(1, Math.ceil(widest / slot));
}

/**
 * A small bar chart in plain SVG (no chart library, nothing fetched), titled above, with the same figures as a table
 * behind "Show the figures as a table": the table is the accessible form, collapsed so two dozen rows do not push the
 * next chart away, and a native disclosure so keyboard and screen-reader users open it like any other. The chart
 * itself is titled and described and hides nothing the table does not say.
 */
export function BarChart({ title, description, bars, labelHeader, valueHeader, labelFrom = 'start' }: BarChartProps) {
  const headingId = useId();
  const titleId = useId();
  const descId = useId();
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const plot = WIDTH - 2 * PAD_X;
  const slot = bars.length === 0 ? plot : plot / bars.length;
  const barWidth = Math.min(MAX_BAR, Math.max(2, slot * 0.7));
  const step = labelStep(bars, slot);
  const labelled = (index: number): boolean => (labelFrom === 'start' ? index : bars.length - 1 - index) % step === 0;
  // Values over the bars only where they fit beside each other.
  const showValues = slot >= FONT * 1.4;
  return (
    <figure className="analytics-chart" aria-labelledby={headingId}>
      <figcaption>
        <h3 id={headingId} className="analytics-chart-title">
          {title}
        </h3>
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${BASELINE + AXIS}`} width="100%" role="img" aria-labelledby={titleId} aria-describedby={descId}>
        <title id={titleId}>{title}</title>
        <desc id={descId}>{description}</desc>
        <line x1={PAD_X} y1={BASELINE} x2={WIDTH - PAD_X} y2={BASELINE} stroke="currentColor" strokeWidth={1} />
        {bars.map((bar, index) => {
          const height = (bar.value / max) * (BASELINE - TOP);
          const centre = PAD_X + index * slot + slot / 2;
          return (
            <g key={bar.label}>
              <rect className="analytics-bar" x={centre - barWidth / 2} y={BASELINE - height} width={barWidth} height={height}>
                <title>{`${bar.longLabel ?? bar.label}: ${bar.value}`}</title>
              </rect>
              {showValues && bar.value > 0 && (
                <text x={centre} y={BASELINE - height - 3} fontSize={FONT} textAnchor="middle" fill="currentColor">
                  {bar.value}
                </text>
              )}
              {labelled(index) && (
                <text x={centre} y={BASELINE + 13} fontSize={FONT} textAnchor="middle" fill="currentColor">
                  {bar.label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <details className="analytics-figures">
        <summary>
          Show the figures as a table<span className="visually-hidden">: {title}</span>
        </summary>
        <table className="analytics-table">
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{labelHeader}</th>
              <th scope="col">{valueHeader}</th>
            </tr>
          </thead>
          <tbody>
            {bars.map((bar) => (
              <tr key={bar.label}>
                <th scope="row">{bar.longLabel ?? bar.label}</th>
                <td>{bar.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
