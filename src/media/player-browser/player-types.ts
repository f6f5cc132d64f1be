import type { JoinBreakdown } from './join-timeline.js';
import type { LatencyTraceSummary } from './latency-trace.js';
import type { PlayerErrorCode } from './player-error.js';
/** The player's public shapes: options, states and the stats object tests and benches read. */

export type PlayerMode = 'realtime' | 'buffered';
export type PlayerState = 'connecting' | 'playing' | 'buffering' | 'ended' | 'error';
export type RelayTransport = 'webtransport' | 'websocket';
/** Who runs Auto quality: the relay (server-side ABR, per group) or the player. */
export type AbrSide = 'relay' | 'player';
/** Who chose the rendition on screen: the relay, the player's Auto, or the viewer by hand. */
export type ChosenBy = 'relay' | 'player' | 'viewer';

export interface PlayerOptions {
  /** The relay, e.g. `http://127.0.0.1:4443/` (moq-dev convention: hash over HTTP, then QUIC). */
  url: string;
  /** The broadcast name; its namespace is the name split on `/`. */
  name: string;
  /**
   * Where the picture goes: the player adds its canvas (real-time) or video element (buffered)
   * here and nothing else — controls are the app's (the watch page's, the studio's).
   */
  stage: HTMLElement;
  /** `realtime` (WebCodecs, lowest latency, the default) or `buffered` (MSE, ~1 s buffer). */
  mode?: PlayerMode;
  /** `auto` (ABR) or a rendition label from the catalog, e.g. `720p`. */
  rendition?: string;
  /**
   * Who runs Auto: `relay` (the default — the relay picks per group from this viewer's link, and
   * the player keeps the offer to what it decodes in real time) or `player`.
   */
  abr?: AbrSide;
  /** Force a transport instead of QUIC-then-WebSocket. */
  transport?: RelayTransport | 'auto';
  /** Speak only this MoQ Transport draft (default: offer every one we speak, draft-14 first). */
  draft?: MoqDraft;
  /**
   * The relay's certificate SHA-256 (hex) when the page carries it: no GET /certificate.sha256
   * before the QUIC handshake.
   */
  certificateSha256?: string;
  /**
   * The broadcast's MSF catalog (JSON text) when the page carries it: the player subscribes to
   * its starting rendition at once and reads the catalog track alongside for updates.
   */
  catalogJson?: string;
}

/** One entry of the quality menu. */
export interface RenditionInfo {
  name: string;
  label: string;
  width?: number;
  height?: number;
  bitrate?: number;
  codec: string;
}

/** The MoQ Transport drafts the player can be pinned to. */
export type MoqDraft = 14 | 16 | 18;

export interface PlayerStats {
  state: PlayerState;
  /** Why it is not playing: waiting for the broadcast to start, the end, or the failure. */
  reason?: string;
  /** What the reason is about, for scripts: e.g. `NOT_LIVE` or `NO_CATALOG` while connecting. */
  reasonCode?: PlayerErrorCode;
  transport: RelayTransport | undefined;
  /** The MoQ Transport draft the session runs (14, 16 or 18), once it is up. */
  draft: number | undefined;
  /** The rendition being decoded now (its catalog label). */
  rendition: string | undefined;
  /** `auto` or the label chosen by hand. */
  renditionChoice: string;
  /** Who runs Auto (asked for); `chosenBy` says who chose what is on screen. */
  abr: AbrSide;
  chosenBy: ChosenBy | undefined;
  /**
   * Whether the relay chooses (tags each group with its rendition): undefined until a switching
   * set's first group arrived, false when the relay ignored it (then the player's Auto runs).
   */
  relayAbr: boolean | undefined;
  /** The highest rendition offered to the relay when this device could not decode more. */
  decodeLimit: string | undefined;
  renditions: RenditionInfo[];
  mode: PlayerMode;
  /** Glass-to-glass of the last rendered frame: render wall clock − its producer time (prft). */
  latencyMs: number | undefined;
  latencyP50Ms: number | undefined;
  latencyP95Ms: number | undefined;
  /** Media bytes received over the last two seconds, in bits per second. */
  bitrateBps: number;
  /** Capacity measured from catch-up bursts (what Auto steps up on), if measured yet. */
  throughputBps: number | undefined;
  framesDecoded: number;
  framesRendered: number;
  framesDropped: number;
  /** Times playback skipped ahead to the next keyframe instead of falling further behind. */
  skips: number;
  audioFramesPlayed: number;
  /** Audio frames decoded (real-time playback's WebCodecs path; MSE does not tell). */
  audioFramesDecoded: number;
  /** Media received but not yet shown (real-time: queued frames; buffered: MSE buffer ahead). */
  bufferMs: number;
  /**
   * Real-time mode: the live clock's margin over the freshest arrivals now (measured jitter plus
   * bumps for late frames, 30–200 ms); undefined in buffered mode.
   */
  jitterMarginMs: number | undefined;
  /** Longest wall-clock gap between two rendered frames since the last reset. */
  maxRenderGapMs: number;
  /** Freezes: render gaps of 250 ms or more since the last reset, and their total length. */
  stalls: number;
  stallMs: number;
  /** From start() to the first rendered frame. */
  joinMs: number | undefined;
  /**
   * Real-time mode: from the first frame (the cached group's keyframe, shown at once) to the
   * first frame shown on time — the join's catch-up to live; undefined until then.
   */
  catchUpMs: number | undefined;
  /** Real-time mode: frames shown later than live during that catch-up (0: straight to live). */
  staleFramesShown: number;
  /** The parts of the join: session up (transport + MoQ setup), then the first catalog read. */
  connectMs: number | undefined;
  catalogMs: number | undefined;
  /** Real-time mode: the median glass-to-glass time per hop over the last ≈ 10 s of frames. */
  latencyTrace: LatencyTraceSummary | undefined;
  /** The same hops' 95th percentiles: where the tail's time goes. */
  latencyTraceP95: LatencyTraceSummary | undefined;
  /** Navigation → first frame, step by step (undefined until the first frame showed). */
  join: JoinBreakdown | undefined;
  /** Rendition switches done since the start. */
  switches: number;
}
