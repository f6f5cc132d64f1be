import { LITE_PROTOCOLS } from '../moq/index.js';
import type {
  CertificateStore,
  CertificateStoreOptions,
  ConnectionTimeouts,
  QuicRouting,
} from '../transport/index.js';
import type { Authorizer } from './auth/index.js';
import type { RelayMetricsOptions } from './metrics/index.js';
import type { ClusterOptions } from './cluster/index.js';

export interface RelayLimits {
  /** Sessions open at once; more are refused at the transport (503). */
  maxSessions: number;
  /** Requests (subscriptions, announcements, …) one session may have open at once. */
  maxRequestsPerSession: number;
  /** Groups kept per track for late joiners. */
  cacheGroups: number;
  /** Bytes kept per track. */
  cacheBytes: number;
  /** Groups of one subscription in flight at once before the oldest is dropped. */
  maxInflightGroups: number;
  /** Largest object accepted from a publisher. */
  maxObjectBytes: number;
  /** From transport accept to CLIENT_SETUP; a session still silent then is closed. */
  setupTimeoutMs: number;
  /** A publisher's data stream silent this long inside an object is cancelled. */
  objectStallMs: number;
  /** One cap over partial objects and every track cache (see MemoryBudget). */
  memoryBudgetBytes: number;
  /** Sessions at once from one remote address (0 = no limit). */
  maxSessionsPerAddress: number;
  /** Sessions at once with the same `?jwt=` token (0 = no limit). */
  maxSessionsPerToken: number;
  /** Namespaces one session may announce at once (0 = no limit). */
  maxAnnouncesPerSession: number;
}

export const DEFAULT_LIMITS: RelayLimits = {
  maxSessions: 10_000,
  maxRequestsPerSession: 1000,
  cacheGroups: 4,
  cacheBytes: 64 * 1024 * 1024,
  maxInflightGroups: 3,
  maxObjectBytes: 16 * 1024 * 1024,
  setupTimeoutMs: 10_000,
  objectStallMs: 10_000,
  memoryBudgetBytes: 512 * 1024 * 1024,
  maxSessionsPerAddress: 0,
  maxSessionsPerToken: 0,
  maxAnnouncesPerSession: 100,
};

/** What the relay logs through; pino's Logger fits, and so does a silent stub in tests. */
export interface RelayLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  /** A logger whose lines all carry `bindings` (pino's child loggers); optional. */
  child?(bindings: Record<string, unknown>): RelayLogger;
}

export interface RelayOptions {
  host?: string;
  port: number;
  certificates?: CertificateStore | CertificateStoreOptions;
  limits?: Partial<RelayLimits>;
  logger?: RelayLogger;
  /** Who may publish and subscribe what (path-scoped JWTs); without it the relay is open. */
  auth?: Authorizer;
  /** Label bounds for /metrics. */
  metrics?: RelayMetricsOptions;
  /** SO_REUSEPORT on the port: `moq-relay --workers N` runs N relays on one port. */
  reusePort?: boolean;
  /** With reusePort: this relay's place among the workers, for QUIC connection-ID routing. */
  quicRouting?: QuicRouting;
  /** Also listen here for relay-to-relay sessions (each worker's own address for its peers). */
  peerBind?: { host: string; port: number };
  /** Join a cluster; `node` defaults to the `peerBind` listener's http:// URL. */
  cluster?: Omit<ClusterOptions, 'node'> & { node?: string };
  /** HTTP/WebSocket port: idle and half-sent connection timeouts (defaults in transport). */
  connectionTimeouts?: Partial<ConnectionTimeouts>;
  /**
   * The watch page also writes the SUBSCRIBEs its player starts with, behind the setup it
   * writes (src/relay/watch/early-session.ts). On unless set false here or by
   * MOQ_WATCH_EARLY_SUBSCRIBE=0 (bench/RESULTS.md: what it gains).
   */
  earlySubscribe?: boolean;
}

/**
 * WebTransport / QMux protocols the relay accepts: `moqt-18` is draft-18, `moqt-16` draft-16; `moq-00` and `moql`
 * (and a bare QMux offer) mean a draft-14 SETUP; `moq-lite-0N` is moq-lite, no SETUP at all.
 * The client's order decides among them.
 */
export const RELAY_PROTOCOLS = ['moqt-18', 'moqt-16', 'moq-00', 'moql', ...LITE_PROTOCOLS];

/** Turns the watch page's early SUBSCRIBEs off for a relay whose options do not say (`=0`). */
export const EARLY_SUBSCRIBE_ENV = 'MOQ_WATCH_EARLY_SUBSCRIBE';
