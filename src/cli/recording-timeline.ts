import { parseInit, shiftDecodeTime, summarizeFragment } from '../media/cmaf/index.js';
import { abortable } from '../async/index.js';

/**
 * Starts a recording's timeline at zero. A live broadcast's decode times count from whenever the
 * publisher started, so a file of its last ten seconds would claim to start minutes in. One
 * instant — the lead track's first decode time — is taken off every track, keeping them in sync;
 * a chunk of another track from before that instant (audio groups start earlier than video's)
 * is left out.
 */
export class RecordingTimeline {
  readonly #keep: boolean;
  #startSeconds: number | undefined;
  readonly #started = Promise.withResolvers<number>();

  /** With `keep`, chunks pass through with the publisher's timestamps. */
  constructor(keep: boolean) {
    this.#keep = keep;
  }

  /** A track of the recording, given its init segment; the lead sets the start. */
  track(init: Uint8Array, lead: boolean): RecordingTrack {
    return new RecordingTrack(this, parseInit(init).timescale, lead);
  }

  /** @internal */
  async retime(
    chunk: Uint8Array,
    timescale: number,
    lead: boolean,
    signal: AbortSignal,
  ): Promise<Uint8Array | undefined> {
    if (this.#keep) return chunk;
    const decodeTicks = summarizeFragment(chunk).baseDecodeTime;
    if (lead && this.#startSeconds === undefined) {
      this.#startSeconds = decodeTicks / timescale;
      this.#started.resolve(this.#startSeconds);
    }
    const startSeconds = await abortable(this.#started.promise, signal);
    const startTicks = Math.round(startSeconds * timescale);
    if (decodeTicks < startTicks) return undefined;
    return shiftDecodeTime(chunk, -startTicks);
  }
}

/** One track's view of the recording's timeline. */
export class RecordingTrack {
  constructor(
    private readonly timeline: RecordingTimeline,
    private readonly timescale: number,
    private readonly lead: boolean,
  ) {}

  /** The chunk on the recording's timeline, or undefined when it precedes the start. */
  place(chunk: Uint8Array, signal: AbortSignal): Promise<Uint8Array | undefined> {
    return this.timeline.retime(chunk, this.timescale, this.lead, signal);
  }
}
