import type { JSX } from 'react';
import { HISTORY_LENGTH, type Series } from './stats-history.js';

export interface SparklineLine {
  series: Series;
  /** A CSS colour class suffix: the stroke comes from the stylesheet (`.spark-line.c-…`). */
  color: string;
}

export interface SparklineProps {
  lines: SparklineLine[];
  /** The y axis never shrinks below this (so a flat small figure does not fill the chart). */
  minMax?: number;
  /** A dashed reference line, e.g. the target bitrate or frame rate. */
  target?: number;
  width?: number;
  height?: number;
}

const PAD = 2;

/** Points of one series, newest at the right edge, gaps split into separate runs. */
function runs(series: Series, width: number, height: number, max: number): string[] {
  const step = width / (HISTORY_LENGTH - 1);
  const offset = HISTORY_LENGTH - series.length;
  const out: string[] = [];
  let current: string[] = [];
  series.forEach((value, i) => {
    if (value === null) {
      if (current.length) out.push(current.join(' '));
      current = [];
      return;
    }
    const x = (offset + i) * step;
    const y = PAD + (height - 2 * PAD) * (1 - Math.min(value, max) / max);
    current.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  });
  if (current.length) out.push(current.join(' '));
  return out;
}

/** The run closed down to the baseline, for a soft fill under a single line. */
function area(points: string, height: number): string {
  const first = points.slice(0, points.indexOf(','));
  const last = points.slice(points.lastIndexOf(' ') + 1).split(',')[0] ?? first;
  return `${first},${height} ${points} ${last},${height}`;
}

/** A minute of one or more figures as lines in plain SVG (no chart library, CSP-clean). */
export function Sparkline({
  lines,
  minMax = 1,
  target,
  width = 240,
  height = 44,
}: SparklineProps): JSX.Element {
  const values = lines.flatMap((l) => l.series.filter((v): v is number => v !== null));
  const max = Math.max(minMax, target ?? 0, ...values) * 1.1;
  const targetY = target === undefined ? undefined : PAD + (height - 2 * PAD) * (1 - target / max);
  return (
    <svg
      className="sparkline"
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      role="img"
    >
      {targetY !== undefined && (
        <line className="spark-target" x1={0} x2={width} y1={targetY} y2={targetY} />
      )}
      {lines.map((line, index) =>
        runs(line.series, width, height, max).map((points, run) => (
          <g key={`${index}-${run}`} className={`c-${line.color}`}>
            {lines.length === 1 && <polygon className="spark-area" points={area(points, height)} />}
            <polyline className="spark-line" points={points} vectorEffect="non-scaling-stroke" />
          </g>
        )),
      )}
    </svg>
  );
}
