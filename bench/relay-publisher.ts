/**
 * The publisher of `npm run bench:relay` (the bench process itself) and the measured window:
 * a warm-up, then a whole number of groups from a group boundary, then a drain.
 */
import {
  BroadcastProducer,
  MoqSession,
  type GroupProducer,
  type TrackProducer,
} from '../src/moq/index.js';
import { dialRelay } from '../src/client/index.js';
import { nodeDialers } from '../src/transport/index.js';
import {
  NAMESPACE,
  OBJECTS_PER_GROUP,
  OBJECTS_PER_SECOND,
  TRACK,
  encodePayload,
  objectSize,
  type Transport,
} from './relay-ipc.js';

export const PUBLISH_BITS_PER_SECOND = 2_000_000;
export const GROUP_BYTES = (PUBLISH_BITS_PER_SECOND / 8) * (OBJECTS_PER_GROUP / OBJECTS_PER_SECOND);
export const WARMUP_SECONDS = 4;
/** Time after the window for its last objects to arrive; anything later counts as lost. */
export const DRAIN_SECONDS = 3;

/** Writes 30 objects/s in 60-object groups on a fixed schedule, catching up if it ran late. */
export class Publisher {
  readonly #track: TrackProducer;
  readonly #session: MoqSession;
  #group: GroupProducer | undefined;
  #seq = 0;
  #startedAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #waiters: Array<{ seq: number; resolve: () => void }> = [];

  private constructor(session: MoqSession, broadcast: BroadcastProducer) {
    this.#session = session;
    this.#track = broadcast.createTrack(TRACK);
  }

  static async open(url: string, transport: Transport): Promise<Publisher> {
    const session = await MoqSession.connect(
      (await dialRelay(url, nodeDialers, { transport })).transport,
    );
    const broadcast = new BroadcastProducer(NAMESPACE);
    const publisher = new Publisher(session, broadcast);
    await session.publish(broadcast);
    return publisher;
  }

  get seq(): number {
    return this.#seq;
  }

  start(): void {
    this.#startedAt = performance.now();
    this.#tick();
  }

  /** Resolves once objects 0 .. seq − 1 are written. */
  reached(seq: number): Promise<void> {
    if (this.#seq >= seq) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ seq, resolve }));
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#track.close();
    this.#session.close();
  }

  #tick(): void {
    const elapsed = performance.now() - this.#startedAt;
    const due = Math.floor((elapsed * OBJECTS_PER_SECOND) / 1000) + 1;
    while (this.#seq < due) this.#write();
    this.#waiters = this.#waiters.filter((w) => (this.#seq >= w.seq ? void w.resolve() : true));
    const nextAt = this.#startedAt + (this.#seq * 1000) / OBJECTS_PER_SECOND;
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, nextAt - performance.now()));
  }

  #write(): void {
    if (this.#seq % OBJECTS_PER_GROUP === 0) {
      this.#group?.close();
      this.#group = this.#track.createGroup();
    }
    this.#group?.write(encodePayload(this.#seq, objectSize(this.#seq, GROUP_BYTES)));
    this.#seq++;
  }
}

/** The measured objects [from, to) and a reading of `sample` at each end. */
export interface Window<T> {
  from: number;
  to: number;
  before: T;
  after: T;
}

/** Warm-up, then `objects` (whole groups) measured from a group boundary, then a drain. */
export async function measureWindow<T>(
  publisher: Publisher,
  objects: number,
  sample: () => Promise<T>,
): Promise<Window<T>> {
  await new Promise((resolve) => setTimeout(resolve, WARMUP_SECONDS * 1000));
  const from = Math.ceil(publisher.seq / OBJECTS_PER_GROUP) * OBJECTS_PER_GROUP;
  await publisher.reached(from);
  const before = await sample();
  const to = from + objects;
  await publisher.reached(to);
  const after = await sample();
  await new Promise((resolve) => setTimeout(resolve, DRAIN_SECONDS * 1000));
  return { from, to, before, after };
}

export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

export const fixed = (value: number, digits = 1): string => value.toFixed(digits);
