import type { JSX, ReactNode } from 'react';
import { Sparkline, type SparklineLine } from './Sparkline.js';

/** ok = green-ish, warn = amber, bad = red, idle = no data yet (OBS's stats dock colours). */
export type Health = 'ok' | 'warn' | 'bad' | 'idle';

export interface MetricChartProps {
  title: string;
  /** The figure now, already formatted. */
  value: string;
  health?: Health;
  lines: SparklineLine[];
  minMax?: number;
  target?: number;
  /** Under the chart: a legend, or why the figure is missing. */
  footer?: ReactNode;
  testId?: string;
}

/** One monitoring tile: title and current value on a line, a minute of history below. */
export function MetricChart({
  title,
  value,
  health = 'idle',
  lines,
  minMax,
  target,
  footer,
  testId,
}: MetricChartProps): JSX.Element {
  return (
    <section className={`metric health-${health}`} data-testid={testId}>
      <header>
        <span className="metric-title">{title}</span>
        <span className="metric-value">{value}</span>
      </header>
      <Sparkline lines={lines} minMax={minMax} target={target} />
      {footer !== undefined && <footer className="metric-footer">{footer}</footer>}
    </section>
  );
}
