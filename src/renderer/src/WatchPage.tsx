import { useEffect, useState, type FormEvent, type JSX } from 'react';
import type { Player, PlayerStats } from '../../media/player-browser/index.js';
import type { StudioApi, StudioSettings, StudioStatus } from '../../studio/studio-api.js';
import { formatBitrate, formatNumber } from './format.js';
import { WatchView } from './WatchView.js';

declare global {
  interface Window {
    /** The watch window's player, for tests and benchmarks (as on the relay's watch page). */
    moqPlayer?: Player;
  }
}

interface Target {
  url: string;
  name: string;
}

export interface WatchPageProps {
  api: StudioApi;
  status: StudioStatus | undefined;
  settings: StudioSettings | undefined;
}

/** Our broadcast's relay and name: from the live status, else the relay the studio would use. */
function useOwnTarget(
  api: StudioApi,
  status: StudioStatus | undefined,
  settings: StudioSettings | undefined,
): Target | undefined {
  const [relayUrl, setRelayUrl] = useState<string>();
  useEffect(() => {
    api.getRelayInfo().then(
      (info) => setRelayUrl(info.url),
      () => setRelayUrl(undefined),
    );
  }, [api, settings?.relay]);
  if (status?.watch) return { url: status.watch.relayUrl, name: status.watch.name };
  if (relayUrl && settings) return { url: relayUrl, name: settings.broadcastName };
  return undefined;
}

/** The watch window: the player on our broadcast, or on any relay URL and name typed here. */
export function WatchPage({ api, status, settings }: WatchPageProps): JSX.Element {
  const own = useOwnTarget(api, status, settings);
  const [typed, setTyped] = useState<Target>({ url: '', name: '' });
  const [chosen, setChosen] = useState<Target>();
  const [stats, setStats] = useState<PlayerStats>();
  const [player, setPlayer] = useState<Player>();
  const target = chosen ?? own;

  useEffect(() => {
    if (own && typed.url === '' && typed.name === '') setTyped(own);
  }, [own, typed]);

  useEffect(() => {
    window.moqPlayer = player;
    if (!player) return setStats(undefined);
    const timer = setInterval(() => setStats(player.stats()), 1000);
    return () => clearInterval(timer);
  }, [player]);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (typed.url.trim() && typed.name.trim()) {
      setChosen({ url: typed.url.trim(), name: typed.name.trim() });
    }
  };

  return (
    <div className="watch-page">
      <form className="watch-form panel" onSubmit={submit}>
        <label className="field">
          <span className="field-label">Relay</span>
          <input
            value={typed.url}
            placeholder="http://127.0.0.1:4443/"
            spellCheck={false}
            onChange={(e) => setTyped({ ...typed, url: e.target.value })}
            data-testid="watch-url"
          />
        </label>
        <label className="field">
          <span className="field-label">Broadcast</span>
          <input
            value={typed.name}
            placeholder="studio"
            spellCheck={false}
            onChange={(e) => setTyped({ ...typed, name: e.target.value })}
            data-testid="watch-name"
          />
        </label>
        <button type="submit" className="primary">
          Watch
        </button>
        {chosen && own && (
          <button type="button" onClick={() => setChosen(undefined)}>
            Back to our broadcast
          </button>
        )}
      </form>
      <div className="watch-stage panel">
        {target ? (
          <WatchView
            key={`${target.url} ${target.name}`}
            url={target.url}
            name={target.name}
            onPlayer={setPlayer}
          />
        ) : (
          <div className="placeholder">Type a relay URL and a broadcast name.</div>
        )}
      </div>
      {stats && <WatchStats stats={stats} />}
    </div>
  );
}

function WatchStats({ stats }: { stats: PlayerStats }): JSX.Element {
  const items: Array<[string, string]> = [
    ['State', stats.state],
    ['Rendition', stats.rendition ?? '—'],
    ['Transport', stats.transport ?? '—'],
    ['Bitrate', formatBitrate(stats.bitrateBps)],
    ['Latency', formatNumber(stats.latencyMs, 0, ' ms')],
    ['p95', formatNumber(stats.latencyP95Ms, 0, ' ms')],
    ['Buffer', formatNumber(stats.bufferMs, 0, ' ms')],
    ['Rendered', String(stats.framesRendered)],
    ['Dropped', String(stats.framesDropped)],
    ['Join', formatNumber(stats.joinMs, 0, ' ms')],
  ];
  return (
    <dl className="watch-stats panel" data-testid="watch-stats">
      {items.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
      {stats.reason && <p className="dim watch-reason">{stats.reason}</p>}
    </dl>
  );
}
