/**
 * Where a viewer's join went, step by step, from navigation (performance's time origin) to the
 * first frame on screen. Steps may overlap (the catalog is read while the video subscription
 * is already under way), so each step is the time it added past the steps before it: the
 * steps sum to `totalMs`, navigation → first frame.
 */
export interface JoinBreakdown {
  /** Navigation → the player started (the page and its script arrived and ran). */
  scriptMs: number;
  /** The session: transport handshake and MoQ setup. */
  sessionMs: number;
  /** The catalog (0 when the page carried it). */
  catalogMs: number;
  /** The video subscription answered. */
  subscribeMs: number;
  /** The first video object arrived. */
  firstObjectMs: number;
  /** Decoded and shown. */
  firstFrameMs: number;
  totalMs: number;
  /** Whether the catalog came with the page instead of over the catalog track. */
  catalogFromPage: boolean;
  /** Whether the page opened the session early, while the player's script loaded. */
  sessionOpenedEarly: boolean;
  /** Whether the page also wrote the player's MoQ setup, so the relay's answer was waiting. */
  setupSentEarly: boolean;
  /**
   * How many of the player's subscriptions the page had already sent (behind that setup), so
   * their answers and first objects were on their way before the player started.
   */
  subscriptionsSentEarly: number;
}

export type JoinStep = 'session' | 'catalog' | 'subscribe' | 'firstObject' | 'firstFrame';

const STEPS: readonly JoinStep[] = ['session', 'catalog', 'subscribe', 'firstObject', 'firstFrame'];

export class JoinTimeline {
  readonly #startedAt: number;
  readonly #marks = new Map<JoinStep, number>();
  #catalogFromPage = false;
  #sessionOpenedEarly = false;
  #setupSentEarly = false;
  #subscriptionsSentEarly = 0;

  /** `startedAt`: performance.now() when the player started. */
  constructor(startedAt: number) {
    this.#startedAt = startedAt;
  }

  /** The first time a step is reached counts (later ones, e.g. a switch's subscription, do not). */
  mark(step: JoinStep, at = performance.now()): void {
    if (!this.#marks.has(step)) this.#marks.set(step, at);
  }

  catalogFromPage(): void {
    this.#catalogFromPage = true;
  }

  sessionOpenedEarly(setupSent: boolean): void {
    this.#sessionOpenedEarly = true;
    this.#setupSentEarly = setupSent;
  }

  subscriptionsSentEarly(count: number): void {
    this.#subscriptionsSentEarly = count;
  }

  /** The breakdown once the first frame showed; undefined before. */
  breakdown(): JoinBreakdown | undefined {
    const end = this.#marks.get('firstFrame');
    if (end === undefined) return undefined;
    const added: Record<string, number> = {};
    let reached = this.#startedAt;
    for (const step of STEPS) {
      // A step never marked (e.g. a playback mode that reports no object) took no time of its own.
      const at = Math.min(this.#marks.get(step) ?? reached, end);
      added[step] = Math.max(0, at - reached);
      reached = Math.max(reached, at);
    }
    return {
      scriptMs: round(this.#startedAt),
      sessionMs: round(added.session ?? 0),
      catalogMs: round(added.catalog ?? 0),
      subscribeMs: round(added.subscribe ?? 0),
      firstObjectMs: round(added.firstObject ?? 0),
      firstFrameMs: round(added.firstFrame ?? 0),
      totalMs: round(end),
      catalogFromPage: this.#catalogFromPage,
      sessionOpenedEarly: this.#sessionOpenedEarly,
      setupSentEarly: this.#setupSentEarly,
      subscriptionsSentEarly: this.#subscriptionsSentEarly,
    };
  }
}

const round = (ms: number): number => Math.round(ms * 10) / 10;
