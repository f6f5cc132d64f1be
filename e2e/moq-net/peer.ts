/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- @moq/net's types do not resolve for eslint's type service (its .d.ts import @moq/signals); tsc checks them */
/**
 * A typed test peer over the third-party MoQ library `@moq/net` (moq-dev's current client), for
 * interop tests against our relay: connect with one protocol forced, over QMux (WebSocket) or
 * WebTransport (our QUIC polyfill), publish a planned track, subscribe and collect what arrives.
 */
import { Broadcast, Connection, Path, Time } from '@moq/net';
import Session from '@moq/qmux';
import type { Relay } from '../../src/relay/index.js';
import { until } from '../../src/relay/relay-test-kit.js';
import { installNodeGlobals } from '../moq-lite/peer.js';

export { installNodeGlobals };
export type NetConnection = Connection.Established;
export type NetTransport = 'websocket' | 'webtransport';

export interface ConnectNetOptions {
  transport: NetTransport;
  /** The one protocol offered, e.g. `moq-lite-05`, `moqt-16` or `moql` (draft-14 SETUP). */
  protocol: string;
  /** The relay's certificate hash (hex), for WebTransport. */
  certificateSha256: string;
}

/**
 * `@moq/net`'s connect() offers a fixed list and the server picks the first it knows; handing it
 * a transport we opened ourselves with one protocol is how a test pins the version.
 */
export async function connectNet(
  url: string | URL,
  options: ConnectNetOptions,
): Promise<NetConnection> {
  const target = new URL(url);
  const transport =
    options.transport === 'websocket'
      ? new Session(target, {
          protocols: [options.protocol],
          versions: { [options.protocol]: null },
        })
      : new WebTransport(Object.assign(new URL(target), { protocol: 'https:' }), {
          protocols: [options.protocol],
          serverCertificateHashes: [
            { algorithm: 'sha-256', value: Buffer.from(options.certificateSha256, 'hex') },
          ],
        });
  await transport.ready;
  return Connection.connect(target, { transport });
}

/** Payload of object `o` of group `g`: readable, unique. */
export function payloadOf(group: number, object: number): string {
  return `${group}:${object}`;
}

export interface ReceivedGroup {
  group: number;
  objects: string[];
}

export function expected(groups: number, objectsPerGroup: number): ReceivedGroup[] {
  return Array.from({ length: groups }, (_, g) => ({
    group: g,
    objects: Array.from({ length: objectsPerGroup }, (_, o) => payloadOf(g, o)),
  }));
}

/**
 * Publishes one track at `path`. Groups are written once a subscriber reads the track, so every
 * subscriber that came first sees all of them from group 0.
 */
export function publishNet(
  connection: NetConnection,
  path: string,
  trackName: string,
  plan: Plan,
  /** Also wait for this before writing (a draft-14/16 reader's SUBSCRIBE_OK, say). */
  go: Promise<void> = Promise.resolve(),
): Broadcast.Producer {
  const broadcast = new Broadcast.Producer();
  connection.publish(Path.from(path), broadcast);
  void (async () => {
    for (
      let request = await broadcast.requested();
      request;
      request = await broadcast.requested()
    ) {
      if (request.name !== trackName) {
        request.reject(new Error('no such track'));
        continue;
      }
      const track = request.accept();
      // A second request for the track (the relay resubscribing after the reader left) paces
      // groups nobody pulls: its wait may time out after the test, which is not a failure.
      go.then(() => playWhenUsed(track, plan)).catch(() => undefined);
    }
  })();
  return broadcast;
}

export interface Plan {
  groups: number;
  objectsPerGroup: number;
  /**
   * Awaited after each group. @moq/net sends each group on its own stream, so a burst may reach
   * the relay out of order, and a live reader past group N skips an N-1 that lands later.
   */
  afterGroup?: (group: number) => Promise<void>;
}

/**
 * The plan, paced: each group once `relay` holds it whole. The relay's cache is what tells the
 * publisher that group N is in before N+1 starts (see Plan.afterGroup).
 */
export function pacedThrough(
  relay: Relay,
  path: string,
  trackName: string,
  plan: { groups: number; objectsPerGroup: number },
): Plan {
  const cached = (group: number) =>
    relay.origin
      .route(path.split('/'))
      ?.liveTrack(trackName)
      ?.cachedGroups.some((g) => g.groupId === group && g.isClosed) === true;
  return { ...plan, afterGroup: (group: number) => until(() => cached(group), 20_000) };
}

async function playWhenUsed(
  track: ReturnType<Broadcast.Producer['createTrack']>,
  plan: Plan,
): Promise<void> {
  while (!track.used.peek()) await track.used.changed();
  for (let g = 0; g < plan.groups; g++) {
    const group = track.appendGroup();
    for (let o = 0; o < plan.objectsPerGroup; o++) {
      group.writeFrame({
        payload: new TextEncoder().encode(payloadOf(group.sequence, o)),
        timestamp: Time.Timestamp.now(),
      });
    }
    group.close();
    await plan.afterGroup?.(group.sequence);
  }
}

/** Subscribes and reads `groups` whole groups, sorted by group (they may arrive in any order). */
export function subscribeNet(
  connection: NetConnection,
  path: string,
  trackName: string,
  groups: number,
): Promise<ReceivedGroup[]> {
  return receiveNet(connection, path, trackName, (out) => out.length >= groups);
}

/** Subscribes and reads whole groups until group `last` is in, sorted by group. */
export function subscribeNetThrough(
  connection: NetConnection,
  path: string,
  trackName: string,
  last: number,
): Promise<ReceivedGroup[]> {
  return receiveNet(connection, path, trackName, (out) => out.some((g) => g.group === last));
}

async function receiveNet(
  connection: NetConnection,
  path: string,
  trackName: string,
  enough: (received: ReceivedGroup[]) => boolean,
): Promise<ReceivedGroup[]> {
  const track = connection.consume(Path.from(path)).subscribe(trackName);
  const out: ReceivedGroup[] = [];
  try {
    while (!enough(out)) {
      const group = await track.recvGroup();
      if (!group) break;
      const objects: string[] = [];
      for (let frame = await group.readFrame(); frame; frame = await group.readFrame()) {
        objects.push(new TextDecoder().decode(frame.payload));
      }
      out.push({ group: group.sequence, objects });
    }
  } finally {
    track.close();
  }
  return out.sort((a, b) => a.group - b.group);
}
