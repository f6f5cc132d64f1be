import { MoqError } from '../error/index.js';
import {
  NamespaceReplyDecoder,
  SubscribeNamespace,
  encodeControlMessage,
  fromDraft16ErrorCode,
  type TrackNamespace,
} from '../message/index.js';
import type { SessionContext } from './session-context.js';
import type { Announcement } from './session-options.js';
import { readChunks, StreamWriter } from './stream-io.js';
import { controlFirst } from './control-first.js';

/**
 * Draft-16 §Subscribing to Namespaces, the subscriber's side: SUBSCRIBE_NAMESPACE on a
 * bidirectional stream of its own; REQUEST_OK or REQUEST_ERROR comes back first on it, then a
 * NAMESPACE / NAMESPACE_DONE per namespace under `prefix`. Ends (FIN: the cancel) when `signal`
 * aborts. A refusal throws its request-scope MoqError; bad bytes end the session.
 */
export async function* announcedOnStream(
  ctx: SessionContext,
  prefix: TrackNamespace,
  signal: AbortSignal,
): AsyncGenerator<Announcement> {
  const requestId = await ctx.nextRequestId();
  const stream = await ctx.transport.createBidirectionalStream();
  const writer = new StreamWriter(controlFirst(stream.writable));
  const decoder = new NamespaceReplyDecoder(ctx.version);
  try {
    const request = new SubscribeNamespace({ requestId, trackNamespacePrefix: prefix });
    await writer.write(encodeControlMessage(request, ctx.version));
    for await (const chunk of readChunks(stream.readable as ReadableStream<Uint8Array>, signal)) {
      decoder.push(chunk);
      for (let reply = decoder.next(); reply; reply = decoder.next()) {
        if ('suffix' in reply) {
          yield { namespace: [...prefix, ...reply.suffix], active: reply.active };
        } else if (reply.kind === 'request_error') {
          const code = fromDraft16ErrorCode('subscribe_namespace', reply.errorCode);
          throw new MoqError(code, reply.reasonPhrase, 'request');
        }
      }
    }
  } catch (error) {
    if (signal.aborted) return;
    if (error instanceof MoqError && error.scope === 'session') ctx.fail(error);
    throw error;
  } finally {
    writer.finish();
  }
}
