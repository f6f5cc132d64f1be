/**
 * A viewer joining a loaded relay, timed step by step from a process of its own (the bench's,
 * which is nearly idle): what the next viewer waits, apart from the subscribers' process, which
 * on two cores is itself saturated and cannot stand for hundreds of separate viewers' machines.
 */
import { withTimeout } from '../src/async/index.js';
import { GroupConsumer, MoqSession, type TrackConsumer } from '../src/moq/index.js';
import { dialRelay } from '../src/client/index.js';
import { nodeDialers } from '../src/transport/index.js';
import { NAMESPACE, TRACK, type Transport } from './relay-ipc.js';

/** One join: each step's duration in ms, and their sum. */
export interface ProbeJoin {
  dialMs: number;
  sessionMs: number;
  subscribeMs: number;
  firstObjectMs: number;
  totalMs: number;
}

const JOIN_TIMEOUT_MS = 30_000;

/** Resolves when the track's first object arrives. */
async function firstObject(track: TrackConsumer): Promise<void> {
  for (let next = await track.nextGroup(); next; next = await track.nextGroup()) {
    if (next instanceof GroupConsumer && (await next.readObject())) return;
  }
  throw new Error('the track ended before its first object');
}

/** Dial, MoQ setup, SUBSCRIBE_OK and the first object, one after the other. */
export async function probeJoin(url: string, transport: Transport): Promise<ProbeJoin> {
  const started = performance.now();
  const { transport: webTransport } = await dialRelay(url, nodeDialers, {
    transport,
    signal: AbortSignal.timeout(JOIN_TIMEOUT_MS),
  });
  const dialed = performance.now();
  const session = await withTimeout(
    MoqSession.connect(webTransport),
    JOIN_TIMEOUT_MS,
    'setup',
  ).catch((error: unknown) => {
    webTransport.close();
    throw error;
  });
  const connected = performance.now();
  try {
    const track = await withTimeout(
      session.subscribe(NAMESPACE, TRACK),
      JOIN_TIMEOUT_MS,
      'SUBSCRIBE',
    );
    const subscribed = performance.now();
    await withTimeout(firstObject(track), JOIN_TIMEOUT_MS, 'the first object');
    const first = performance.now();
    return {
      dialMs: dialed - started,
      sessionMs: connected - dialed,
      subscribeMs: subscribed - connected,
      firstObjectMs: first - subscribed,
      totalMs: first - started,
    };
  } finally {
    session.close();
  }
}

/** `count` joins one after another; a failed join is reported by its error, not retried. */
export async function probeJoins(
  url: string,
  transport: Transport,
  count: number,
): Promise<{ joins: ProbeJoin[]; failures: string[] }> {
  const joins: ProbeJoin[] = [];
  const failures: string[] = [];
  for (let i = 0; i < count; i++) {
    await probeJoin(url, transport).then(
      (join) => joins.push(join),
      (error: unknown) => failures.push(String(error)),
    );
  }
  return { joins, failures };
}
