import { delay } from '../../async/index.js';
import {
  GroupConsumer,
  MoqError,
  PublishDoneCode,
  TrackProducer,
  type GroupProducer,
  type TrackConsumer,
  type TrackOptions,
} from '../../moq/index.js';

/** Opens a reader of the track at wherever its broadcast lives now (the origin may move). */
export type OpenUpstream = (signal: AbortSignal) => Promise<TrackConsumer>;

export interface RemoteTrackOptions {
  open: OpenUpstream;
  /** How long to look for the track again after its upstream ended, before ending too. */
  graceMs: number;
  trackOptions?: TrackOptions;
  /** Where the current upstream reads from (see `reroute`). */
  currentSource?: () => string | undefined;
  /** Told each time the upstream is replaced after a loss (for logs). */
  onResume?: () => void;
}

const RETRY_MS = 200;

/**
 * A track of a broadcast that lives on another relay: the local TrackProducer every local viewer
 * reads (so one upstream subscription serves them all), fed from one upstream reader. When the
 * upstream ends (the origin relay died, the publisher dropped) the track does not end at once:
 * for `graceMs` it looks for the broadcast again, wherever it reappears, and carries on with the
 * new upstream (group ids keep growing); only then do its viewers see the end, with the
 * upstream's reason. The track ends its upstream reader when its last viewer leaves.
 */
export class RemoteTrack {
  readonly producer: TrackProducer;
  readonly #options: RemoteTrackOptions;
  readonly #abort = new AbortController();
  #lastGroupId = -1;
  #offset = 0;
  #sourceStarted = false;
  #source = new AbortController();

  constructor(name: string, options: RemoteTrackOptions) {
    this.#options = options;
    const first = Promise.withResolvers<TrackConsumer>();
    this.producer = new TrackProducer(name, {
      ...options.trackOptions,
      ready: first.promise.then(() => undefined),
    });
    this.producer.onIdle(() => this.producer.close());
    this.producer.onClose(() => this.#abort.abort());
    options.open(this.#abort.signal).then(first.resolve, first.reject);
    void this.#run(first.promise);
  }

  /** Where the upstream reads from now; undefined while looking for it. */
  get currentSource(): string | undefined {
    return this.#source.signal.aborted ? undefined : this.#options.currentSource?.();
  }

  /** Drops the current upstream (its origin moved) and looks for the track again. */
  reroute(): void {
    this.#source.abort();
  }

  async #run(first: Promise<TrackConsumer>): Promise<void> {
    let upstream: TrackConsumer;
    try {
      upstream = await first;
    } catch (error) {
      this.producer.close(asError(error));
      return;
    }
    for (;;) {
      const ended = await this.#pipe(upstream);
      upstream.close();
      if (this.#abort.signal.aborted) return;
      const next = await this.#reopen();
      if (!next) {
        this.producer.close(endReason(ended));
        return;
      }
      upstream = next;
      this.#source = new AbortController();
      this.#options.onResume?.();
    }
  }

  /** Copies groups until the upstream ends; returns how it ended (undefined = cleanly). */
  async #pipe(upstream: TrackConsumer): Promise<Error | undefined> {
    this.#sourceStarted = false;
    const signal = AbortSignal.any([this.#abort.signal, this.#source.signal]);
    try {
      for (;;) {
        const next = await upstream.nextGroup(signal);
        if (next === undefined) return undefined;
        if (!(next instanceof GroupConsumer)) continue; // lagged: the skipped groups are gone
        const group = this.#startGroup(next.groupId);
        if (group) void copyGroup(next, group, this.#abort.signal);
      }
    } catch (error) {
      if (this.#source.signal.aborted && !this.#abort.signal.aborted) {
        return new MoqError(PublishDoneCode.GOING_AWAY, 'origin moved or gone', 'request');
      }
      return asError(error);
    }
  }

  /** A new upstream may number its groups from 0 again: ours keep growing. */
  #startGroup(upstreamId: number): GroupProducer | undefined {
    if (!this.#sourceStarted) {
      this.#sourceStarted = true;
      if (upstreamId + this.#offset <= this.#lastGroupId) {
        this.#offset = this.#lastGroupId + 1 - upstreamId;
      }
    }
    const id = upstreamId + this.#offset;
    if (this.producer.isClosed || this.producer.hasGroup(id)) return undefined;
    this.#lastGroupId = Math.max(this.#lastGroupId, id);
    return this.producer.createGroup(id);
  }

  /** Looks for the track again until the grace period is over. */
  async #reopen(): Promise<TrackConsumer | undefined> {
    const deadline = Date.now() + this.#options.graceMs;
    const signal = this.#abort.signal;
    while (!signal.aborted && Date.now() < deadline) {
      try {
        return await this.#options.open(signal);
      } catch {
        // Not back yet (or its relay is unreachable): try again shortly.
      }
      try {
        await delay(Math.min(RETRY_MS, Math.max(0, deadline - Date.now())), signal);
      } catch {
        return undefined;
      }
    }
    return undefined;
  }
}

async function copyGroup(
  from: GroupConsumer,
  to: GroupProducer,
  signal: AbortSignal,
): Promise<void> {
  try {
    for (
      let object = await from.readObject(signal);
      object;
      object = await from.readObject(signal)
    ) {
      if (to.isClosed) return; // evicted from our cache
      to.write(object.payload, object.objectId, object.extensions);
    }
    to.close();
  } catch (error) {
    to.close(asError(error));
  }
}

/** Viewers are told why: a request-scope reason, whatever ended the upstream. */
function endReason(error: Error | undefined): Error | undefined {
  if (!error || (error instanceof MoqError && error.scope === 'request')) return error;
  const reason = error instanceof MoqError ? error.reason : error.message;
  return new MoqError(PublishDoneCode.GOING_AWAY, `upstream lost: ${reason}`, 'request');
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
