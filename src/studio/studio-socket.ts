import type { WebSocket } from 'ws';
import {
  STUDIO_EVENTS,
  STUDIO_PARAMS,
  WsRequestSchema,
  isStudioMethod,
  type StudioApi,
  type StudioCommands,
  type StudioMethod,
  type WsMessage,
} from './studio-api.js';
import { StudioError, describeError } from './studio-error.js';

/** Above this many queued bytes to a slow page, stats and log events are skipped, not queued. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * Serves StudioApi on one WebSocket: text frames `{id, method, params}` answered by
 * `{id, result}` or `{id, error}`; every event pushed as `{event, data}`; binary frames are
 * `pushChunk` (no answer: a failure comes back as an error log event on this socket).
 */
export function serveStudioSocket(api: StudioApi, socket: WebSocket): void {
  const send = (message: WsMessage, droppable = false): void => {
    if (socket.readyState !== socket.OPEN) return;
    if (droppable && socket.bufferedAmount > MAX_BUFFERED_BYTES) return;
    socket.send(JSON.stringify(message));
  };
  const unsubscribe = STUDIO_EVENTS.map((event) =>
    api.on(event, (data) => send({ event, data } as WsMessage, event !== 'status')),
  );
  socket.on('close', () => unsubscribe.forEach((stop) => stop()));
  // A frame over maxPayload or text that is not UTF-8 makes `ws` emit 'error' and close this
  // socket (1009 / 1007); unheard, that error would end the whole studio and its broadcast.
  socket.on('error', () => socket.terminate());
  socket.on('message', (data, isBinary) => {
    if (isBinary) {
      void pushChunk(api, toBytes(data), (message) =>
        send({ event: 'log', data: { level: 'error', message, time: Date.now() } }),
      );
      return;
    }
    void answer(api, String(data as Buffer)).then((reply) => send(reply));
  });
}

export async function pushChunk(
  api: StudioApi,
  bytes: Uint8Array,
  report: (message: string) => void,
): Promise<void> {
  try {
    await api.pushChunk(bytes);
  } catch (error) {
    report(`pushChunk: ${describeError(error)}`);
  }
}

/** One request → its reply; never throws. */
export async function answer(api: StudioApi, text: string): Promise<WsMessage> {
  let id = -1;
  try {
    const request = WsRequestSchema.safeParse(parseJson(text));
    if (!request.success) {
      throw new StudioError(
        'BAD_PARAMS',
        `a request is {id, method, params}: ${request.error.issues[0]?.message ?? ''}`,
      );
    }
    id = request.data.id;
    const { method, params } = request.data;
    if (!isStudioMethod(method)) {
      throw new StudioError('BAD_PARAMS', `unknown method "${method}"`, 'see StudioApi');
    }
    return { id, result: await call(api, method, params) };
  } catch (error) {
    const failure =
      error instanceof StudioError
        ? error
        : new StudioError('INTERNAL', describeError(error), 'see the studio log');
    return {
      id,
      error: { code: failure.code, message: failure.message, hint: failure.hint },
    };
  }
}

/** Validates the parameters against the command's schema, then calls it. */
async function call(api: StudioApi, method: StudioMethod, params: unknown[]): Promise<unknown> {
  if (method === 'pushChunk') {
    throw new StudioError('BAD_PARAMS', 'pushChunk travels as a binary frame', '');
  }
  const parsed = STUDIO_PARAMS[method].safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new StudioError(
      'BAD_PARAMS',
      `${method}: invalid parameters${where}: ${issue?.message ?? ''}`,
      'see the StudioApi contract',
    );
  }
  const fn = api[method].bind(api) as (
    ...args: unknown[]
  ) => ReturnType<StudioCommands[StudioMethod]>;
  return fn(...(parsed.data as unknown[]));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new StudioError('BAD_PARAMS', 'a request must be JSON', '');
  }
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data);
}
