import { useEffect, useState, type JSX } from 'react';
import type { Player } from '../../media/player-browser/index.js';
import type { SourceSettings, StudioStatus } from '../../studio/studio-api.js';
import { LocalVideo } from './LocalVideo.js';
import { WatchView } from './WatchView.js';

export interface PreviewProps {
  source: SourceSettings;
  status: StudioStatus;
  stream: MediaStream | undefined;
  /** Told the preview player's glass-to-glass latency once a second (undefined without one). */
  onLatency: (ms: number | undefined) => void;
}

const LATENCY_POLL_MS = 1000;

/**
 * What goes out: the local camera/screen as captured, or — for ffmpeg's own sources, which the
 * studio page never sees — our broadcast as a viewer gets it from the relay. That viewer counts
 * on the relay like any other, so it can be switched off.
 */
export function Preview({ source, status, stream, onLatency }: PreviewProps): JSX.Element {
  const [watching, setWatching] = useState(true);
  const [player, setPlayer] = useState<Player>();
  const capture = source.kind === 'camera' || source.kind === 'screen';
  const watch = status.watch;
  const relayPreview = !capture && watch !== undefined && status.state !== 'idle';

  useEffect(() => {
    if (!player) return onLatency(undefined);
    const timer = setInterval(() => onLatency(player.stats().latencyMs), LATENCY_POLL_MS);
    return () => {
      clearInterval(timer);
      onLatency(undefined);
    };
  }, [player, onLatency]);

  let body: JSX.Element;
  if (capture && stream) body = <LocalVideo stream={stream} />;
  else if (relayPreview && watching) {
    body = <WatchView url={watch.relayUrl} name={watch.name} onPlayer={setPlayer} />;
  } else body = <Placeholder source={source} capture={capture} hidden={relayPreview} />;

  return (
    <section className="preview panel" data-testid="preview">
      <div className="preview-head">
        <h2>Preview</h2>
        <span className="dim">
          {capture ? 'local capture' : relayPreview ? 'from the relay, as viewers see it' : ''}
        </span>
        {!capture && (
          <button
            type="button"
            className="chip"
            aria-pressed={watching}
            onClick={() => setWatching((on) => !on)}
            title="The preview is a viewer on the relay: it shows in the viewer count"
            data-testid="preview-toggle"
          >
            {watching ? 'Preview on' : 'Preview off'}
          </button>
        )}
      </div>
      <div className="preview-stage">{body}</div>
    </section>
  );
}

function Placeholder({
  source,
  capture,
  hidden,
}: {
  source: SourceSettings;
  capture: boolean;
  hidden: boolean;
}): JSX.Element {
  let text: string;
  if (hidden) text = 'Preview off — the broadcast is live without it';
  else if (capture) text = source.kind === 'camera' ? 'No camera open' : 'No screen chosen';
  else if (source.kind === 'file') text = 'The file plays here once you are live';
  else text = 'The test pattern plays here once you are live';
  return (
    <div className="placeholder">
      <span className="placeholder-mark" aria-hidden="true">
        ◎
      </span>
      {text}
    </div>
  );
}
