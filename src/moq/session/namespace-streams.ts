import { MoqError, SubscribeNamespaceErrorCode } from '../error/index.js';
import {
  RequestError,
  RequestOk,
  NamespaceSubscribeOptions,
  encodeControlMessage,
  SubscribeNamespaceStreamDecoder,
  encodeNamespaceEntry,
  toDraft16ErrorCode,
  type ControlMessage,
  type SubscribeNamespace,
} from '../message/index.js';
import type { Announcement } from './session-options.js';
import type { SessionContext } from './session-context.js';
import { StreamWriter } from './stream-io.js';
import { controlFirst } from './control-first.js';

/**
 * Draft-16 §Subscribing to Namespaces: SUBSCRIBE_NAMESPACE comes on a bidirectional stream of
 * its own. The answer (REQUEST_OK or REQUEST_ERROR) goes back first on that stream, then a
 * NAMESPACE / NAMESPACE_DONE per matching namespace; the subscriber closing the stream (FIN or
 * reset) ends the subscription. No other message may open a bidirectional stream
 * (§Session initialization): that closes the session with PROTOCOL_VIOLATION.
 *
 * Before draft-16 (and from our own draft-16 client) SUBSCRIBE_NAMESPACE comes on the control
 * stream instead; Publisher.onSubscribeNamespace serves that one.
 */
export class NamespaceStreams {
  readonly #ctx: SessionContext;
  readonly #acceptRequest: (requestId: number) => void;

  /** `acceptRequest` checks the Request ID against the peer's allowance (throws if over). */
  constructor(ctx: SessionContext, acceptRequest: (requestId: number) => void) {
    this.#ctx = ctx;
    this.#acceptRequest = acceptRequest;
  }

  async run(): Promise<void> {
    const incoming = this.#ctx.transport
      .incomingBidirectionalStreams as ReadableStream<WebTransportBidirectionalStream>;
    let reader: ReadableStreamDefaultReader<WebTransportBidirectionalStream>;
    try {
      reader = incoming.getReader();
    } catch {
      return; // someone else reads them (never, once setup is done)
    }
    const stop = (): void => void reader.cancel().catch(() => undefined);
    this.#ctx.signal.addEventListener('abort', stop, { once: true });
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        void this.#serve(value);
      }
    } catch {
      // The session ended.
    } finally {
      this.#ctx.signal.removeEventListener('abort', stop);
    }
  }

  async #serve(stream: WebTransportBidirectionalStream): Promise<void> {
    const reader = (stream.readable as ReadableStream<Uint8Array>).getReader();
    const writer = new StreamWriter(controlFirst(stream.writable));
    let message: SubscribeNamespace;
    try {
      message = await firstMessage(reader, this.#ctx.version);
      this.#acceptRequest(message.requestId);
    } catch (error) {
      writer.reset(0);
      reader.cancel().catch(() => undefined);
      // A stream that broke before its first message harms nobody; bad bytes end the session.
      if (error instanceof MoqError) this.#ctx.fail(error);
      return;
    }
    const watch = new AbortController();
    const ended = (): void => watch.abort();
    this.#ctx.signal.addEventListener('abort', ended, { once: true });
    // FIN or reset from the subscriber cancels; later bytes mean nothing in draft-16.
    void drain(reader).finally(ended);
    try {
      await this.#answer(message, writer, watch.signal);
    } finally {
      this.#ctx.signal.removeEventListener('abort', ended);
      watch.abort();
      writer.finish();
      this.#ctx.requestFinished();
    }
  }

  /** REQUEST_OK then the namespaces as they come and go, until `signal`; or REQUEST_ERROR. */
  async #answer(message: SubscribeNamespace, writer: StreamWriter, signal: AbortSignal) {
    const { requestId, trackNamespacePrefix: prefix } = message;
    let announcements: AsyncIterable<Announcement>;
    try {
      const handler = this.#ctx.options.onSubscribeNamespace;
      if (!handler) {
        throw new MoqError(SubscribeNamespaceErrorCode.NOT_SUPPORTED, 'not a relay', 'request');
      }
      announcements = handler(prefix, signal);
    } catch (error) {
      await writer.write(this.#encode(refusal(requestId, error))).catch(() => undefined);
      return;
    }
    await writer.write(this.#encode(new RequestOk({ requestId })));
    // We never send PUBLISH: a subscriber that asked for PUBLISH only gets the OK and waits.
    const wantsNamespaces = message.subscribeOptions !== NamespaceSubscribeOptions.Publish;
    try {
      for await (const { namespace, active } of announcements) {
        if (signal.aborted) return;
        if (!wantsNamespaces) continue;
        const suffix = namespace.slice(prefix.length);
        await writer.write(encodeNamespaceEntry({ suffix, active }));
      }
    } catch {
      // The watch ended, or the subscriber's side of the stream is gone.
    }
  }

  #encode(message: ControlMessage): Uint8Array {
    return encodeControlMessage(message, this.#ctx.version);
  }
}

/** Reads until one whole control message is in; throws a MoqError on bad bytes or early end. */
async function firstMessage(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  version: number,
): Promise<SubscribeNamespace> {
  const decoder = new SubscribeNamespaceStreamDecoder(version);
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw MoqError.protocolViolation('bidirectional stream ended before its message');
    decoder.push(value);
    const message = decoder.next();
    if (message) return message;
  }
}

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  try {
    for (;;) if ((await reader.read()).done) return;
  } catch {
    // Reset: the same as FIN here.
  }
}

function refusal(requestId: number, error: unknown): RequestError {
  const code = error instanceof MoqError ? error.code : SubscribeNamespaceErrorCode.INTERNAL_ERROR;
  return new RequestError({
    requestId,
    errorCode: toDraft16ErrorCode('subscribe_namespace', code),
    retryInterval: 0,
    reasonPhrase: (error instanceof MoqError
      ? error.reason
      : error instanceof Error
        ? error.message
        : String(error)
    ).slice(0, 1024),
  });
}
