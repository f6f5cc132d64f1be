/**
 * The studio engine's whole surface: commands (async, structured-clonable arguments and results)
 * and an event stream. Served to the renderer over Electron IPC (src/main/ipc.ts,
 * src/preload/index.ts) or, headless, over a WebSocket (`moq-studio serve`, studio-client.ts).
 * Runtime-agnostic: the renderer imports it, so nothing here may touch Node or the DOM.
 */
import { z } from 'zod';

// ─── Settings ────────────────────────────────────────────────────────────────────────────────

/**
 * What is broadcast. `camera` and `screen` are captured by the renderer (getUserMedia /
 * getDisplayMedia + MediaRecorder) and reach the engine as encoded WebM chunks through
 * `pushChunk`; `test-pattern` and `file` are read by ffmpeg itself.
 */
export const SourceSettingsSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('test-pattern') }),
  z.object({ kind: z.literal('file'), path: z.string().min(1), loop: z.boolean().default(true) }),
  z.object({ kind: z.literal('camera') }),
  z.object({ kind: z.literal('screen') }),
]);
export type SourceSettings = z.infer<typeof SourceSettingsSchema>;

/**
 * Where the broadcast goes: the relay inside the studio (started on demand on `port`, 0 = any
 * free port, and kept up while the studio runs) or a relay elsewhere (`url` like
 * `http://relay.example:4443/`, checked when going live; `token` is appended as `?jwt=`).
 */
export const RelayTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('embedded'), port: z.number().int().min(0).max(65535) }),
  z.object({
    kind: z.literal('remote'),
    url: z.string().trim().min(1, 'the relay URL is empty'),
    token: z.string().min(1).optional(),
  }),
]);
export type RelayTarget = z.infer<typeof RelayTargetSchema>;

export const AudioCodecSchema = z.enum(['aac', 'opus', 'none']);
export type StudioAudioCodec = z.infer<typeof AudioCodecSchema>;

/** `/`-separated namespace parts of letters, digits, `-`, `_`, `.`; no empty parts. */
export const BroadcastNameSchema = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/,
    'a broadcast name is letters, digits, "-", "_" or "." parts separated by "/"',
  );

export const StudioSettingsSchema = z.object({
  source: SourceSettingsSchema,
  /**
   * Renditions as typed, e.g. `720p,360p` (checked by the engine against what it can encode), or
   * `auto`: the richest of 1080p+720p+360p, 720p+360p, 360p this machine encodes in real time,
   * measured once when going live.
   */
  ladder: z.string().trim().min(1),
  audio: AudioCodecSchema,
  /** Keyframe interval = MoQ group duration. */
  gopMs: z.number().int().min(250).max(10_000),
  relay: RelayTargetSchema,
  broadcastName: BroadcastNameSchema,
});
export type StudioSettings = z.infer<typeof StudioSettingsSchema>;

/** A partial update: each given top-level field replaces the stored one whole. */
export const SettingsPatchSchema = StudioSettingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export const DEFAULT_SETTINGS: StudioSettings = {
  source: { kind: 'test-pattern' },
  ladder: 'auto',
  audio: 'aac',
  gopMs: 2000,
  relay: { kind: 'embedded', port: 4443 },
  broadcastName: 'studio',
};

// ─── Status ──────────────────────────────────────────────────────────────────────────────────

/**
 * idle → checking (relay, name, source) → starting (encoder, announce, first group) → live;
 * live → reconnecting (the relay session died) → live; any → stopping → idle.
 */
export const STUDIO_STATES = [
  'idle',
  'checking',
  'starting',
  'live',
  'reconnecting',
  'stopping',
] as const;
export type StudioState = (typeof STUDIO_STATES)[number];

/** The go-live checklist, in order. */
export const CHECKLIST_STEPS = ['relay', 'announced', 'encoder', 'firstGroup', 'live'] as const;
export type ChecklistStep = (typeof CHECKLIST_STEPS)[number];

export interface ChecklistItem {
  step: ChecklistStep;
  status: 'pending' | 'done' | 'failed';
  /** e.g. the relay URL reached, the encoder's renditions, why a step failed. */
  detail?: string;
}

/** Stable codes of what went wrong; `hint` says what the user can do about it. */
export type StudioErrorCode =
  | 'BAD_PARAMS'
  | 'BAD_SETTINGS'
  | 'ILLEGAL_TRANSITION'
  | 'BAD_RELAY_URL'
  | 'RELAY_UNREACHABLE'
  | 'RELAY_REFUSED'
  | 'RELAY_PORT_IN_USE'
  | 'NAME_TAKEN'
  | 'FFMPEG_MISSING'
  | 'FILE_NOT_FOUND'
  | 'SOURCE_FAILED'
  | 'NO_CHUNKS'
  | 'ENCODER_DIED'
  | 'SESSION_LOST'
  | 'INTERNAL';

export interface StudioErrorInfo {
  code: StudioErrorCode;
  message: string;
  hint: string;
}

export interface StudioStatus {
  state: StudioState;
  /** Why the studio entered this state, in words for people. */
  reason: string;
  /** When it entered this state (ms since the Unix epoch). */
  since: number;
  checklist: ChecklistItem[];
  /** The watch link for viewers, once the broadcast is announced. */
  shareUrl?: string;
  /** The relay and name the watch window plays (with the share link). */
  watch?: { relayUrl: string; name: string };
  /** While reconnecting: the attempt under way or next (1-based), and when it starts. */
  reconnect?: { attempt: number; retryAtMs: number };
  /** When the broadcast first went live in this run (kept across reconnects). */
  liveSince?: number;
  /** The last failure; stays until the next goLive. */
  error?: StudioErrorInfo;
}

// ─── Stats (one event a second while not idle) ───────────────────────────────────────────────

export interface RenditionStats {
  /** `1080p`, …, `source` for a copied camera/screen stream, `audio`. */
  name: string;
  role: 'video' | 'audio';
  width?: number;
  height?: number;
  /** The encoder's target; 0 when copied as captured. */
  targetBitrateBps: number;
  /** Measured over the last second, as packaged into MoQ objects. */
  bitrateBps: number;
  /** Objects (one per frame) per second over the last second; audio counts its chunks. */
  fps: number;
  groups: number;
  bytes: number;
  /** Subscribers on the relay; null where the relay cannot tell us (a remote relay). */
  viewers: number | null;
}

/**
 * What the broadcast's viewers get, as the relay reports it on the broadcast's `.stats` track
 * (any relay of ours, embedded or remote; docs/operations.md has the shape).
 */
export interface ViewerQuality {
  /** When the relay took the sample, ms since the epoch. */
  at: number;
  viewers: number;
  /** Subscribers per track (a server-side ABR viewer counts under its current rendition). */
  renditions: Record<string, number>;
  rttMs: { p50: number; p95: number } | null;
  lossRatio: { mean: number; max: number } | null;
  deliveryRateBps: { p50: number; min: number } | null;
  sentBps: number;
  /** Groups the relay dropped for these viewers (slow links). */
  groupsDropped: number;
  /** Playback stalls; null while no relay can know them. */
  stalls: number | null;
}

export interface StudioStats {
  at: number;
  state: StudioState;
  /** Time since liveSince, or null when not live yet. */
  liveForMs: number | null;
  renditions: RenditionStats[];
  /** ffmpeg's own figures; null before its first report. */
  encoder: {
    fps: number;
    /** Multiple of real time over the last two seconds; below 1 the broadcast falls behind. */
    speed: number;
    /** The ffmpeg process's CPU use, % of one core (Linux /proc); null elsewhere. */
    cpuPercent: number | null;
  } | null;
  /**
   * Media lost by cause: `encoder` = frames ffmpeg dropped (it could not keep up); `network` =
   * whole groups (GOPs) the publishing session dropped because the link to the relay could not
   * carry them in time (summed across reconnects); null when not publishing.
   */
  dropped: { encoder: number; network: number | null };
  /** The studio process's CPU use, % of one core. */
  cpuPercent: number;
  /** Sum of video subscribers on the relay; null with a remote relay. */
  viewers: number | null;
  relay: {
    kind: RelayTarget['kind'];
    /**
     * The embedded relay's bits sent to viewers per second, estimated as each track's bitrate ×
     * its subscribers (the relay does not count bytes itself); null for a remote relay.
     */
    egressBps: number | null;
    /** Smoothed round-trip time of the publishing session; null when the transport hides it. */
    rttMs: number | null;
    /** The embedded relay's publishing rule (see RelayInfo); absent for a remote relay. */
    access?: 'loopback' | 'publish-protected';
  };
  /** Viewers' quality from the relay's `.stats` track; null until (or unless) it reports. */
  viewerQuality: ViewerQuality | null;
  /** Glass-to-glass latency as a viewer measured it; null until one reports (not yet wired). */
  latencyMs: number | null;
  /**
   * Renditions this broadcast stopped encoding because the machine could not keep up (top rung
   * first dropped first); they left the catalog too. Empty when none was dropped.
   */
  ladderDropped: string[];
  /** What the figures cannot show and why (e.g. viewer counts of a remote relay). */
  notes: string[];
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface StudioLogEntry {
  level: LogLevel;
  message: string;
  /** ms since the Unix epoch. */
  time: number;
}

// ─── Chat ─────────────────────────────────────────────────────────────────────────────────────

/**
 * A viewer's chat message as the studio received it from the relay (src/chat: each viewer
 * publishes `<broadcast>/chat/<viewerId>`). `text` and `name` are plain text: show them as text.
 */
export interface StudioChatMessage {
  viewerId: string;
  name?: string;
  text: string;
  /** The viewer's clock (ms since the epoch). */
  sentAt: number;
  /** The studio's clock. */
  receivedAt: number;
}

// ─── Commands ────────────────────────────────────────────────────────────────────────────────

/** Versions of the running studio; `electron` is absent when it runs headless. */
export interface StudioVersions {
  app: string;
  electron?: string;
  node: string;
}

/** The relay the studio publishes to (for the watch window and share links). */
export interface RelayInfo {
  kind: RelayTarget['kind'];
  /** `http://host:port/` of the relay; undefined until the embedded relay runs / a URL is set. */
  url: string | undefined;
  /** Whether the embedded relay is up (always false for a remote target). */
  running: boolean;
  port?: number;
  /** Hex SHA-256 of the embedded relay's certificate, for `serverCertificateHashes`. */
  certificateSha256?: string;
  /**
   * The embedded relay's publishing rule: `loopback` (it listens on this machine only) or
   * `publish-protected` (it listens beyond: only the studio publishes, viewers watch and chat).
   */
  relayAccess?: 'loopback' | 'publish-protected';
}

export interface StudioCommands {
  getVersion(): Promise<StudioVersions>;
  getSettings(): Promise<StudioSettings>;
  /** Validates, stores and persists; rejects with BAD_SETTINGS (nothing changes) or while live. */
  updateSettings(patch: SettingsPatch): Promise<StudioSettings>;
  /**
   * Starts going live and resolves once the attempt ended: in `live`, or back in `idle` with
   * `status.error` set (the status is the answer; it rejects only with ILLEGAL_TRANSITION).
   */
  goLive(): Promise<StudioStatus>;
  /** Ends the broadcast (from any state but idle) and resolves in `idle`. */
  stop(): Promise<StudioStatus>;
  /** While reconnecting: try now instead of waiting for the backoff. */
  retryNow(): Promise<StudioStatus>;
  getStatus(): Promise<StudioStatus>;
  /** The most recent log entries (up to 200), oldest first: for a page that opens late. */
  getLog(): Promise<StudioLogEntry[]>;
  /**
   * One MediaRecorder chunk (WebM) of a camera/screen source, in order. A capture starts with
   * the recorder's first chunk (the WebM header) and may start before Go live (chunks wait).
   * Every broadcast needs its own capture: after Stop, start a new recorder; chunks that do not
   * begin a capture are dropped (with one warning in the log).
   */
  pushChunk(bytes: Uint8Array): Promise<void>;
  /** The camera/screen capture ended: the encoder finishes and the broadcast stops. */
  endChunks(): Promise<void>;
  /** Starts the embedded relay if that is the target (so the watch window can use it). */
  getRelayInfo(): Promise<RelayInfo>;
  /** The most recent chat messages (up to 200), oldest first; kept across broadcasts. */
  getChat(): Promise<StudioChatMessage[]>;
}

export type StudioMethod = keyof StudioCommands;

// ─── Events ──────────────────────────────────────────────────────────────────────────────────

export interface StudioEvents {
  status: StudioStatus;
  stats: StudioStats;
  log: StudioLogEntry;
  /** A viewer's message, while live. */
  chat: StudioChatMessage;
}

export type StudioEventName = keyof StudioEvents;
export type StudioListener<E extends StudioEventName> = (data: StudioEvents[E]) => void;

/** The whole API: commands plus `on` (returns the function that unsubscribes). */
export interface StudioApi extends StudioCommands {
  on<E extends StudioEventName>(event: E, listener: StudioListener<E>): () => void;
}

// ─── Wire names and input schemas ────────────────────────────────────────────────────────────

export {
  STUDIO_CHANNELS,
  STUDIO_EVENT_CHANNELS,
  STUDIO_EVENTS,
  STUDIO_METHODS,
  STUDIO_WS_PATH,
  isStudioMethod,
  type StudioChannel,
} from './studio-channels.js';

const none = z.tuple([]);

/** Each command's positional arguments, validated where they cross a boundary. */
export const STUDIO_PARAMS = {
  getVersion: none,
  getSettings: none,
  updateSettings: z.tuple([SettingsPatchSchema]),
  goLive: none,
  stop: none,
  retryNow: none,
  getStatus: none,
  getLog: none,
  pushChunk: z.tuple([z.instanceof(Uint8Array)]),
  endChunks: none,
  getRelayInfo: none,
  getChat: none,
} as const satisfies { readonly [K in StudioMethod]: z.ZodType<Parameters<StudioCommands[K]>> };

// ─── WebSocket messages (moq-studio serve) ───────────────────────────────────────────────────

/** Client → server (text frame). `pushChunk` travels as a binary frame instead. */
export const WsRequestSchema = z.object({
  id: z.number().int().nonnegative(),
  method: z.string(),
  params: z.array(z.unknown()).default([]),
});
export type WsRequest = z.input<typeof WsRequestSchema>;

/** Server → client. */
export type WsMessage =
  | { id: number; result: unknown }
  | { id: number; error: { code: StudioErrorCode; message: string; hint?: string } }
  | { [E in StudioEventName]: { event: E; data: StudioEvents[E] } }[StudioEventName];
