import { useId } from 'react';

/** One bar. */
export interface Bar {
  label: string;
  value: number;
}

/** Props of {@link BarChart}. */
export interface BarChartProps {
  title: string;
  /** Says what the chart shows, for screen readers (the table below carries the figures). */
  description: string;
  bars: readonly Bar[];
  /** Column headers of the data table alternative. */
  labelHeader: string;
  valueHeader: string;
}

const WIDTH = 480;
const HEIGHT = 140;
const AXIS = 18;

/**
 * A small bar chart in plain SVG (no chart library, nothing fetched), followed by the same figures as a table: the
 * table is the accessible form, the chart is titled and described and hides nothing the table does not say.
 */
export function BarChart({ title, description, bars, labelHeader, valueHeader }: BarChartProps) {
  const titleId = useId();
  const descId = useId();
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const slot = bars.length === 0 ? WIDTH : WIDTH / bars.length;
  const barWidth = Math.max(2, slot * 0.7);
  // Label every bar when they fit; otherwise every few, so labels never overlap.
  const labelEvery = Math.max(1, Math.ceil(bars.length / 12));
  return (
    <figure className="analytics-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT + AXIS}`} width="100%" role="img" aria-labelledby={titleId} aria-describedby={descId}>
        <title id={titleId}>{title}</title>
        <desc id={descId}>{description}</desc>
        <line x1={0} y1={HEIGHT} x2={WIDTH} y2={HEIGHT} stroke="currentColor" strokeWidth={1} />
        {bars.map((bar, index) => {
          const height = (bar.value / max) * (HEIGHT - 12);
          const x = index * slot + (slot - barWidth) / 2;
          return (
            <g key={bar.label}>
              <rect x={x} y={HEIGHT - height} width={barWidth} height={height} fill="currentColor" opacity={0.7}>
                <title>{`${bar.label}: ${bar.value}`}</title>
              </rect>
              {index % labelEvery === 0 && (
                <text x={x + barWidth / 2} y={HEIGHT + 13} fontSize={10} textAnchor="middle" fill="currentColor">
                  {bar.label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="section-title">{title}</figcaption>
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
              <th scope="row">{bar.label}</th>
              <td>{bar.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
