import { useEffect, useRef, useState, type JSX } from 'react';
import type { StudioApi, StudioChatMessage } from '../../studio/studio-api.js';
import { formatClock } from './format.js';

/** Messages the panel keeps (as the engine does for getChat). */
const CHAT_LIMIT = 200;

/**
 * Viewers' chat while live, newest last. Names and text are rendered as React text children,
 * so whatever a viewer typed (markup included) shows as text.
 */
export function ChatPanel({ api }: { api: StudioApi }): JSX.Element {
  const [messages, setMessages] = useState<StudioChatMessage[]>([]);
  const box = useRef<HTMLOListElement>(null);

  useEffect(() => {
    let live = true;
    const add = (message: StudioChatMessage): void =>
      setMessages((all) => [...all, message].slice(-CHAT_LIMIT));
    const off = api.on('chat', add);
    api.getChat().then(
      (history) => live && setMessages((all) => merge(history, all)),
      () => undefined, // an engine without chat history: events still arrive
    );
    return () => {
      live = false;
      off();
    };
  }, [api]);

  useEffect(() => {
    const element = box.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [messages]);

  return (
    <ol className="log chat" ref={box} data-testid="chat" aria-live="polite">
      {messages.length === 0 && (
        <li className="log-empty">No messages yet: viewers chat from the watch page.</li>
      )}
      {messages.map((m) => (
        <li key={`${m.viewerId}-${m.sentAt}-${m.receivedAt}`} className="chat-message">
          <time>{formatClock(m.receivedAt)}</time>
          <span className="chat-name" title={m.viewerId}>
            {m.name ?? `viewer ${m.viewerId.slice(0, 4)}`}
          </span>
          <span className="log-message chat-text">{m.text}</span>
        </li>
      ))}
    </ol>
  );
}

/** History first, then events that arrived while it was on its way (without doubles). */
function merge(history: StudioChatMessage[], live: StudioChatMessage[]): StudioChatMessage[] {
  const key = (m: StudioChatMessage): string => `${m.viewerId}/${m.sentAt}/${m.receivedAt}`;
  const seen = new Set(history.map(key));
  return [...history, ...live.filter((m) => !seen.has(key(m)))].slice(-CHAT_LIMIT);
}
