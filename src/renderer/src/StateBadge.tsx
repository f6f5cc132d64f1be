import type { JSX } from 'react';
import type { StudioState } from '../../studio/studio-api.js';

const LABELS: Record<StudioState, string> = {
  idle: 'Offline',
  checking: 'Checking',
  starting: 'Starting',
  live: 'LIVE',
  reconnecting: 'Reconnecting',
  stopping: 'Stopping',
};

/** The go-live state as a coloured pill; `data-state` is what tests read. */
export function StateBadge({
  state,
  testId = 'state',
}: {
  state: StudioState | undefined;
  testId?: string;
}): JSX.Element {
  const shown = state ?? 'idle';
  return (
    <span className={`state-badge state-${shown}`} data-testid={testId} data-state={shown}>
      {LABELS[shown]}
    </span>
  );
}
