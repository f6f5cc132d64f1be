import { useEffect, useRef, type JSX } from 'react';
import type { StudioLogEntry } from '../../studio/studio-api.js';
import { formatClock } from './format.js';

/** Within this many pixels of the bottom the panel follows new lines; further up it stays put. */
const FOLLOW_SLACK_PX = 24;

/** The engine's log, newest last, coloured by level; follows new lines unless scrolled back. */
export function LogPanel({ logs }: { logs: StudioLogEntry[] }): JSX.Element {
  const box = useRef<HTMLOListElement>(null);
  const following = useRef(true);

  useEffect(() => {
    const element = box.current;
    if (element && following.current) element.scrollTop = element.scrollHeight;
  }, [logs]);

  const onScroll = (): void => {
    const element = box.current;
    if (!element) return;
    following.current =
      element.scrollHeight - element.scrollTop - element.clientHeight < FOLLOW_SLACK_PX;
  };

  return (
    <ol className="log" ref={box} onScroll={onScroll} data-testid="log" aria-live="polite">
      {logs.length === 0 && <li className="log-empty">Nothing logged yet.</li>}
      {logs.map((entry, index) => (
        <li key={`${entry.time}-${index}`} className={`log-${entry.level}`}>
          <time>{formatClock(entry.time)}</time>
          <span className="log-level">{entry.level}</span>
          <span className="log-message">{entry.message}</span>
        </li>
      ))}
    </ol>
  );
}
