import { STUDIO_EVENTS, type StudioApi, type WsMessage } from './studio-api.js';
import { StudioClient } from './studio-client.js';
import { answer, pushChunk } from './studio-socket.js';

/**
 * One end of a message channel between processes or threads: Electron's utilityProcess and
 * MessagePortMain, a worker thread's MessagePort. Each carrier's adapter says how it posts and
 * receives; StudioApi travels over it with the WebSocket's framing — a JSON string per request,
 * reply or event, a byte array per `pushChunk`.
 */
export interface StudioPort {
  post(message: string | Uint8Array): void;
  onMessage(listener: (message: unknown) => void): void;
  /** The other end went away (process exited, port closed). */
  onClose(listener: () => void): void;
  close(): void;
}

/** Serves `api` on `port` (the engine's side). Returns a function that stops serving. */
export function serveStudioPort(api: StudioApi, port: StudioPort): () => void {
  const send = (message: WsMessage): void => port.post(JSON.stringify(message));
  const unsubscribe = STUDIO_EVENTS.map((event) =>
    api.on(event, (data) => send({ event, data } as WsMessage)),
  );
  const stop = (): void => unsubscribe.forEach((off) => off());
  port.onClose(stop);
  port.onMessage((message) => {
    if (message instanceof Uint8Array) {
      void pushChunk(api, message, (text) =>
        send({ event: 'log', data: { level: 'error', message: text, time: Date.now() } }),
      );
      return;
    }
    // Anything but a string is answered like malformed JSON: an error reply, nothing else.
    void answer(api, typeof message === 'string' ? message : '\u0000').then(send);
  });
  return stop;
}

/** StudioApi on the caller's side of `port` (Electron's main process, a test). */
export function studioOverPort(port: StudioPort): StudioClient {
  const closeListeners: Array<(event: { code: number; reason: string }) => void> = [];
  port.onClose(() =>
    closeListeners.forEach((listener) => listener({ code: 1006, reason: 'the engine went away' })),
  );
  return StudioClient.overSocket({
    binaryType: 'arraybuffer',
    readyState: 1,
    bufferedAmount: 0,
    send: (data) =>
      port.post(typeof data === 'string' ? data : new Uint8Array(data as ArrayBuffer)),
    close: () => port.close(),
    addEventListener: ((type: string, listener: (event: never) => void) => {
      if (type === 'message') port.onMessage((data) => listener({ data } as never));
      if (type === 'close')
        closeListeners.push(listener as (event: { code: number; reason: string }) => void);
    }) as WebSocket['addEventListener'],
  });
}
