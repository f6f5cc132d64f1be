import type { JSX } from 'react';
import type { StudioStatus } from '../../studio/studio-api.js';
import { Checklist } from './Checklist.js';
import { formatDuration } from './format.js';
import { ShareLink } from './ShareLink.js';
import { StateBadge } from './StateBadge.js';
import { useNow } from './use-now.js';

export interface GoLivePanelProps {
  status: StudioStatus;
  /** Go live was pressed and has not answered yet. */
  launching: boolean;
  /** Stop was pressed and has not answered yet. */
  stopping: boolean;
  /** Why Go live cannot be pressed now (e.g. the camera is not open), if it cannot. */
  blocked: string | undefined;
  onGoLive: () => void;
  onStop: () => void;
  onRetry: () => void;
}

/** Go live / Stop, the state and how long it has lasted, the checklist, the share link. */
export function GoLivePanel({
  status,
  launching,
  stopping,
  blocked,
  onGoLive,
  onStop,
  onRetry,
}: GoLivePanelProps): JSX.Element {
  const { state } = status;
  const idle = state === 'idle';
  const now = useNow(!idle);
  const live = status.liveSince !== undefined ? formatDuration(now - status.liveSince) : '00:00';
  const retryIn = status.reconnect ? Math.max(0, status.reconnect.retryAtMs - now) : 0;

  return (
    <section className="golive panel">
      <div className="golive-bar">
        {idle ? (
          <button
            type="button"
            className="primary go-live"
            disabled={launching || blocked !== undefined}
            title={blocked}
            onClick={onGoLive}
            data-testid="go-live"
          >
            Go live
          </button>
        ) : (
          <button
            type="button"
            className="danger go-live"
            disabled={stopping || state === 'stopping'}
            onClick={onStop}
            data-testid="stop"
          >
            Stop
          </button>
        )}
        <StateBadge state={state} />
        <span className="duration" data-testid="duration" title="time live in this run">
          {live}
        </span>
        <span className="reason" title={status.reason}>
          {blocked && idle ? blocked : status.reason}
        </span>
      </div>
      {status.reconnect && state === 'reconnecting' && (
        <div className="reconnect" data-testid="reconnect">
          <span>
            Reconnecting — attempt {status.reconnect.attempt}
            {retryIn > 0 ? `, next try in ${(retryIn / 1000).toFixed(1)} s` : ', trying now…'}
          </span>
          <button type="button" onClick={onRetry} data-testid="retry-now">
            Retry now
          </button>
        </div>
      )}
      <Checklist items={status.checklist} state={state} />
      <ShareLink url={status.shareUrl} />
    </section>
  );
}
