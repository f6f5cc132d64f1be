import { MoqError, SessionCloseCode } from '../error/index.js';
import {
  ClientSetup,
  type ControlMessage,
  D18MessageDecoder,
  ServerSetup,
  SetupParameters,
  Version,
  encodeD18Message,
} from '../message/index.js';
import { D18Control } from './d18-control.js';
import { D18StreamSplit, peekStream } from './d18-transport.js';
import type { SetupResult } from './setup.js';
import type { ClientSetupInfo } from './session-options.js';
import { setupAuthTokens } from './setup-auth-tokens.js';
import { readChunks, StreamWriter } from './stream-io.js';
import { controlFirst } from './control-first.js';

const IMPLEMENTATION = 'moq-studio';
/** Draft-14/16 CLIENT_SETUP types (0x20, and 0x40 of drafts ≤ 10): the wrong draft on moqt-18. */
const OLD_CLIENT_SETUP_TYPES: ReadonlySet<number> = new Set([0x20, 0x40]);

/**
 * Draft-18 §Session initialization, client side: our SETUP on a unidirectional stream of our
 * own, then the server's SETUP on its own. Requests then go on bidirectional streams.
 */
export async function setupClient18(
  transport: WebTransport,
  signal?: AbortSignal,
  authorizationToken?: string,
): Promise<SetupResult> {
  const split = new D18StreamSplit(transport);
  const authorizationTokens = setupAuthTokens(authorizationToken);
  const parameters = SetupParameters.from({ implementation: IMPLEMENTATION, authorizationTokens });
  const ourControl = await openControl(
    transport,
    new ClientSetup({ supportedVersions: [], parameters }),
  );
  const decoder = new D18MessageDecoder({ requestId: 0, reader: 'client' });
  const peerControl = await abortable(split.peerControl, signal);
  const { message, rest } = await readSetup(peerControl, decoder, signal);
  if (message.kind !== 'server_setup') {
    throw MoqError.protocolViolation(`expected SETUP, got ${message.kind}`);
  }
  return result(
    split,
    ourControl,
    rest,
    decoder,
    true,
    message.parameters.implementation,
    undefined,
  );
}

/** Server side: the client's SETUP first (its token checked), then ours. */
export async function setupServer18(
  transport: WebTransport,
  signal?: AbortSignal,
  onClientSetup?: (setup: ClientSetupInfo) => void | Promise<void>,
): Promise<SetupResult> {
  const split = new D18StreamSplit(transport);
  const wrongDraft = refuseBidiSetup(transport, signal);
  const peerControl = await Promise.race([abortable(split.peerControl, signal), wrongDraft.failed]);
  wrongDraft.stop();
  const decoder = new D18MessageDecoder({ requestId: 0, reader: 'server' });
  const { message: hello, rest } = await readSetup(peerControl, decoder, signal);
  if (hello.kind !== 'client_setup') {
    throw MoqError.protocolViolation(`expected SETUP, got ${hello.kind}`);
  }
  await onClientSetup?.({
    path: hello.parameters.path,
    authorizationTokens: hello.parameters.authorizationTokens,
  });
  const parameters = SetupParameters.from({ implementation: IMPLEMENTATION });
  const ourControl = await openControl(
    transport,
    new ServerSetup({ selectedVersion: Version.DRAFT_18, parameters }),
  );
  return result(
    split,
    ourControl,
    rest,
    decoder,
    false,
    hello.parameters.implementation,
    hello.parameters.path,
    (serve) => wrongDraft.handOver(serve),
  );
}

function result(
  split: D18StreamSplit,
  ourControl: StreamWriter,
  peerControl: ReadableStream<Uint8Array>,
  decoder: D18MessageDecoder,
  isClient: boolean,
  peerImplementation: string | undefined,
  path: string | undefined,
  adoptEarly?: (serve: (stream: WebTransportBidirectionalStream) => void) => void,
): SetupResult {
  const ended = new AbortController();
  const end = (): void => ended.abort();
  split.transport.closed.then(end, end);
  const control = new D18Control({
    transport: split.transport,
    ourControl,
    peerControl,
    decoder,
    isClient,
    signal: ended.signal,
    ...(adoptEarly ? { adoptEarly } : {}),
  });
  return {
    control,
    version: Version.DRAFT_18,
    // Requests are streams: QUIC's stream limit is the only request limit (§Request ID).
    peerMaxRequestId: Number.MAX_SAFE_INTEGER,
    path,
    peerImplementation,
    transport: split.transport,
  };
}

async function openControl(transport: WebTransport, setup: ControlMessage): Promise<StreamWriter> {
  const writable = await transport.createUnidirectionalStream();
  const writer = new StreamWriter(controlFirst(writable));
  await writer.write(encodeD18Message(setup));
  return writer;
}

/** Reads the SETUP at the head of the peer's control stream; what follows stays in `decoder`. */
async function readSetup(
  stream: ReadableStream<Uint8Array>,
  decoder: D18MessageDecoder,
  signal?: AbortSignal,
): Promise<{ message: ControlMessage; rest: ReadableStream<Uint8Array> }> {
  for await (const chunk of readChunks(stream, signal)) {
    decoder.push(chunk);
    const message = decoder.next();
    if (message) return { message, rest: stream };
  }
  throw MoqError.protocolViolation('the peer closed its control stream during SETUP');
}

/**
 * Before the client's SETUP, a bidirectional stream is either a pipelined request (kept for the
 * session) or a draft-14/16 CLIENT_SETUP: a client set up for another draft than the `moqt-18`
 * it negotiated, refused at once with a clear reason instead of waiting for a SETUP never sent.
 */
function refuseBidiSetup(
  transport: WebTransport,
  signal?: AbortSignal,
): {
  failed: Promise<never>;
  handOver(serve: (stream: WebTransportBidirectionalStream) => void): void;
  stop(): void;
} {
  const early: WebTransportBidirectionalStream[] = [];
  // Until the session takes them, peeked streams wait here; a peek that ends later goes
  // straight to the session.
  let deliver = (stream: WebTransportBidirectionalStream): void => void early.push(stream);
  const reader = (
    transport.incomingBidirectionalStreams as ReadableStream<WebTransportBidirectionalStream>
  ).getReader();
  let stopped = false;
  let fail!: (error: MoqError) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);
  const sort = async (stream: WebTransportBidirectionalStream): Promise<void> => {
    const { type, readable } = await peekStream(
      stream.readable as ReadableStream<Uint8Array>,
      'quic',
    );
    if (type !== undefined && OLD_CLIENT_SETUP_TYPES.has(type)) {
      fail(
        new MoqError(
          SessionCloseCode.VERSION_NEGOTIATION_FAILED,
          'a draft-14/16 CLIENT_SETUP on a bidirectional stream, but the protocol is moqt-18',
        ),
      );
      return;
    }
    deliver({ readable, writable: stream.writable });
  };
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done || stopped || signal?.aborted) return;
        // Each peeked on its own: one stream that sends nothing holds up no other.
        sort(value).catch(() => undefined);
      }
    } catch {
      // The session ended.
    }
  })();
  return {
    failed,
    handOver(serve) {
      deliver = serve;
      for (const stream of early.splice(0)) serve(stream);
    },
    stop() {
      stopped = true;
      reader.releaseLock();
    },
  };
}

function abortable<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason as Error);
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    }),
  ]);
}
