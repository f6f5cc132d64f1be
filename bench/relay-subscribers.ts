/**
 * The subscribers of `npm run bench:relay`: many MoQ sessions in one process (two cores leave
 * no room for a process each). Records, per subscriber, every object's sequence number, size
 * and delay (receive time − the publish time in its payload); the parent names the measured
 * window afterwards.
 */
import { until } from '../src/async/index.js';
import { GroupConsumer, Lagged, MoqSession, type TrackConsumer } from '../src/moq/index.js';
import { dialRelay } from '../src/client/index.js';
import { nodeDialers } from '../src/transport/index.js';
import {
  NAMESPACE,
  OBJECTS_PER_GROUP,
  TRACK,
  cpuSnapshot,
  decodePayload,
  send,
  wallNow,
  type ParentMessage,
  type SubscriberReport,
  type Transport,
} from './relay-ipc.js';

/** Handshakes at once: enough to overlap round trips, few enough not to stall the relay. */
const CONNECT_CONCURRENCY = 8;
/**
 * With `--workers N` a subscriber may land on a worker that has not yet heard of the broadcast
 * from the one its publisher is on: it asks again, as a viewer's player would.
 */
const SUBSCRIBE_TIMEOUT_MS = 30_000;

interface Subscriber {
  session: MoqSession;
  seqs: number[];
  delays: number[];
  sizes: number[];
}

const subscribers: Subscriber[] = [];
/** Sessions at each step of opening, for the progress line. */
const opening = { transports: 0, sessions: 0, subscribed: 0 };
const errors = { lagged: 0, group: 0, track: 0, firstGroup: '', firstTrack: '' };

function record(sub: Subscriber, payload: Uint8Array): void {
  const receivedAt = wallNow();
  const { sentAt, seq } = decodePayload(payload);
  sub.seqs.push(seq);
  sub.delays.push(receivedAt - sentAt);
  sub.sizes.push(payload.length);
}

async function readGroup(sub: Subscriber, group: GroupConsumer): Promise<void> {
  try {
    for (let o = await group.readObject(); o; o = await group.readObject()) record(sub, o.payload);
  } catch (error) {
    errors.group++;
    errors.firstGroup ||= `group ${group.groupId}: ${String(error)}`;
  }
}

/** Groups are read concurrently, so a stalled group does not hold back the next one's delays. */
async function readTrack(sub: Subscriber, track: TrackConsumer): Promise<void> {
  try {
    for (let next = await track.nextGroup(); next; next = await track.nextGroup()) {
      if (next instanceof Lagged) errors.lagged++;
      else if (next instanceof GroupConsumer) void readGroup(sub, next);
    }
  } catch (error) {
    errors.track++;
    errors.firstTrack ||= String(error);
  }
}

async function openSubscriber(url: string, transport: Transport): Promise<void> {
  const { transport: webTransport } = await dialRelay(url, nodeDialers, { transport });
  opening.transports++;
  const session = await MoqSession.connect(webTransport);
  opening.sessions++;
  const sub: Subscriber = { session, seqs: [], delays: [], sizes: [] };
  subscribers.push(sub);
  const track = await until('the broadcast', () => session.subscribe(NAMESPACE, TRACK), {
    timeoutMs: SUBSCRIBE_TIMEOUT_MS,
    intervalMs: 100,
  });
  void readTrack(sub, track);
  opening.subscribed++;
}

async function start(url: string, count: number, transport: Transport): Promise<void> {
  const started = wallNow();
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++;
      await openSubscriber(url, transport).catch((error: unknown) => {
        failed++;
        firstError ??= String(error);
      });
    }
  };
  // Progress on stderr: with many sessions, connecting is itself a finding (it can crawl).
  const progress = setInterval(() => {
    const elapsed = ((wallNow() - started) / 1000).toFixed(0);
    const { transports, sessions, subscribed } = opening;
    console.error(
      `  subscribers of ${count} after ${elapsed} s: ${transports} connected, ${sessions} MoQ ` +
        `sessions, ${subscribed} subscribed, ${failed} failed`,
    );
  }, 10_000);
  await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, worker));
  clearInterval(progress);
  const seconds = (wallNow() - started) / 1000;
  send({ type: 'ready', connected: subscribers.length, failed, firstError, seconds });
}

function report(from: number, to: number): SubscriberReport {
  const delays: number[] = [];
  const keyframeDelays: number[] = [];
  const lostBySubscriber: number[] = [];
  let received = 0;
  let duplicates = 0;
  let bytes = 0;
  for (const sub of subscribers) {
    const seen = new Set<number>();
    sub.seqs.forEach((seq, i) => {
      if (seq < from || seq >= to) return;
      if (seen.has(seq)) return void duplicates++;
      seen.add(seq);
      bytes += sub.sizes[i] ?? 0;
      const delay = sub.delays[i] ?? 0;
      delays.push(delay);
      if (seq % OBJECTS_PER_GROUP === 0) keyframeDelays.push(delay);
    });
    received += seen.size;
    lostBySubscriber.push(to - from - seen.size);
  }
  const ascending = (a: number, b: number): number => a - b;
  return {
    received,
    duplicates,
    bytes,
    delaysMs: delays.sort(ascending),
    keyframeDelaysMs: keyframeDelays.sort(ascending),
    lostBySubscriber,
    lagged: errors.lagged,
    groupErrors: errors.group,
    firstGroupError: errors.firstGroup || undefined,
    trackErrors: errors.track,
    firstTrackError: errors.firstTrack || undefined,
  };
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'start') void start(message.url, message.count, message.transport);
  if (message.type === 'cpu') send({ type: 'cpu', snapshot: cpuSnapshot() });
  if (message.type === 'report') send({ type: 'report', report: report(message.from, message.to) });
  if (message.type === 'exit') {
    for (const sub of subscribers) sub.session.close();
    // A moment for the CLOSE frames to leave, then exit (not killed: --cpu-prof can write).
    setTimeout(() => process.exit(0), 200);
  }
});
