import { BandwidthEstimator, type LinkEstimate, type LinkStats } from './bandwidth-estimator.js';

/** How often the viewer's transport figures are read. */
const SAMPLE_MS = 200;

/**
 * One viewer session's link, watched for as long as it has a switching-set subscription: every
 * switching track of the session reads the same estimate, so a viewer that narrows or renews
 * its set starts from what is known about its link instead of from nothing.
 */
export class LinkMonitor {
  readonly #estimator = new BandwidthEstimator();
  readonly #stats: () => LinkStats | undefined;
  readonly #now: () => number;
  #users = 0;
  #forwardedBytes = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #listeners = new Set<(estimate: LinkEstimate) => void>();

  constructor(stats: () => LinkStats | undefined, now: () => number = Date.now) {
    this.#stats = stats;
    this.#now = now;
  }

  get estimate(): LinkEstimate {
    return this.#estimator.estimate;
  }

  /** Starts sampling (if not yet); the returned function stops this user's interest. */
  use(): () => void {
    this.#users++;
    this.#timer ??= setInterval(() => this.sample(), SAMPLE_MS);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#users--;
      if (this.#users > 0) return;
      clearInterval(this.#timer);
      this.#timer = undefined;
    };
  }

  /** Calls `listener` after each sample; the returned function stops it. */
  onSample(listener: (estimate: LinkEstimate) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Counts media handed to the session for sending (its switching tracks call this). */
  forwarded(bytes: number): void {
    this.#forwardedBytes += bytes;
  }

  /** Reads the transport's figures once (the timer does this; tests call it directly). */
  sample(): LinkEstimate {
    const estimate = this.#estimator.observe(this.#stats(), this.#now(), this.#forwardedBytes);
    for (const listener of this.#listeners) listener(estimate);
    return estimate;
  }
}
