import { useEffect, useRef, type JSX } from 'react';
import type { Player, PlayerMode } from '../../media/player-browser/index.js';
import { PlayerView } from '../../watch-browser/index.js';

export interface WatchViewProps {
  /** The relay, e.g. `http://127.0.0.1:4443/`. */
  url: string;
  /** The broadcast name (`/`-separated namespace). */
  name: string;
  mode?: PlayerMode;
  /** `auto` (default) or a rendition label. */
  rendition?: string;
  /** Told of the player once mounted (and of undefined when it goes), e.g. to read stats. */
  onPlayer?: (player: Player | undefined) => void;
}

/**
 * The watch player inside React: the same Player the relay's watch page runs, mounted into a
 * div with the watch page's controls (the watch app's PlayerView) and closed when the view
 * unmounts or its broadcast changes; React only owns the container.
 */
export function WatchView({ url, name, mode, rendition, onPlayer }: WatchViewProps): JSX.Element {
  const container = useRef<HTMLDivElement>(null);
  const report = useRef(onPlayer);
  report.current = onPlayer;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const view = new PlayerView(element, { url, name, mode, rendition });
    report.current?.(view.player);
    view.onPlayer((player) => report.current?.(player));
    return () => {
      report.current?.(undefined);
      view.close();
    };
  }, [url, name, mode, rendition]);

  return <div className="watch-view" ref={container} />;
}
