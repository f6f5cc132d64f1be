import { until as waitUntil } from '../async/index.js';
import {
  BroadcastProducer,
  ClientSetup,
  ControlMessageDecoder,
  FilterType,
  GroupConsumer,
  GroupOrder,
  MoqSession,
  SetupParameters,
  Subscribe,
  Version,
  encodeControlMessage,
  type ControlMessage,
  type TrackConsumer,
  type TrackProducer,
} from '../moq/index.js';
import { connectRelay, dialRelay, type TransportChoice } from '../client/index.js';
import { nodeDialers, type TransportSession } from '../transport/index.js';
import type { Relay } from './relay.js';

/**
 * Opens a MoQ session to the relay the way any client would (URL convention; draft-14 unless
 * `protocols` pins another, e.g. `protocolsForDraft(16)`).
 */
export async function join(
  relay: Relay,
  transport: TransportChoice = 'quic',
  protocols?: readonly string[],
): Promise<MoqSession> {
  const connection = await connectRelay(`http://127.0.0.1:${relay.port}/`, nodeDialers, {
    transport,
    ...(protocols ? { protocols } : {}),
  });
  return connection.session;
}

export const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
export const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** Writes `groups` groups of `objects` objects, payload `g:o`, `gapMs` apart. */
export async function writeGroups(
  track: TrackProducer,
  groups: number,
  objects: number,
  gapMs = 0,
): Promise<void> {
  for (let g = 0; g < groups; g++) {
    const group = track.createGroup();
    for (let o = 0; o < objects; o++) group.write(encode(`${group.groupId}:${o}`));
    group.close();
    if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
}

/** Reads groups until the track ends: each as the list of its payloads. */
export async function readAll(
  consumer: TrackConsumer,
  signal?: AbortSignal,
): Promise<Array<{ groupId: number; objects: string[] }>> {
  const out: Array<{ groupId: number; objects: string[] }> = [];
  for (;;) {
    const next = await consumer.nextGroup(signal);
    if (next === undefined) return out;
    if (!(next instanceof GroupConsumer)) continue;
    const objects: string[] = [];
    for (let o = await next.readObject(signal); o; o = await next.readObject(signal)) {
      objects.push(decode(o.payload));
    }
    out.push({ groupId: next.groupId, objects });
  }
}

/** A publisher session with one broadcast of one track, announced and ready. */
export async function publisher(
  relay: Relay,
  namespace: string[],
  trackName: string,
  transport: TransportChoice = 'quic',
  protocols?: readonly string[],
): Promise<{ session: MoqSession; broadcast: BroadcastProducer; track: TrackProducer }> {
  const session = await join(relay, transport, protocols);
  const broadcast = new BroadcastProducer(namespace);
  const track = broadcast.createTrack(trackName);
  await session.publish(broadcast);
  return { session, broadcast, track };
}

/** Waits until `check` holds (for state that has no event of its own); see src/async `until`. */
export async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  await waitUntil('a test condition', check, { timeoutMs, intervalMs: 10 });
}

/** A client that did the setup by hand and may then send anything on the control stream. */
export async function rawClient(
  relay: Relay,
  transport: 'quic' | 'websocket',
): Promise<{
  session: TransportSession;
  send: (bytes: Uint8Array) => Promise<void>;
  /** The relay's next control message after SERVER_SETUP. */
  next: () => Promise<ControlMessage>;
}> {
  const { transport: session } = await dialRelay(`http://127.0.0.1:${relay.port}/`, nodeDialers, {
    transport,
  });
  const stream = await session.createBidirectionalStream();
  const writer = stream.writable.getWriter();
  const setup = new ClientSetup({
    supportedVersions: [Version.DRAFT_14],
    parameters: SetupParameters.from({ maxRequestId: 10 }),
  });
  await writer.write(encodeControlMessage(setup));
  const reader = stream.readable.getReader();
  const decoder = new ControlMessageDecoder(Version.DRAFT_14);
  const next = async (): Promise<ControlMessage> => {
    for (;;) {
      const message = decoder.next();
      if (message) return message;
      const { value, done } = await reader.read();
      if (done) throw new Error('the relay closed the control stream');
      decoder.push(value);
    }
  };
  await next(); // SERVER_SETUP (content checked by the session tests)
  return { session, send: (bytes) => writer.write(bytes), next };
}

/** A draft-14 SUBSCRIBE from the newest object, as wire bytes. */
export function subscribeMessage(
  requestId: number,
  namespace: string[],
  trackName = 'video',
): Uint8Array {
  return encodeControlMessage(
    new Subscribe({
      requestId,
      trackNamespace: namespace,
      trackName,
      subscriberPriority: 0,
      groupOrder: GroupOrder.Ascending,
      forward: true,
      filter: { type: FilterType.LargestObject },
    }),
  );
}
