import type {
  CertificateStore,
  CertificateStoreOptions,
  ConnectionTimeouts,
} from '../transport/index.js';

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
}

export interface RelayOptions {
  host?: string;
  port: number;
  certificates?: CertificateStore | CertificateStoreOptions;
  limits?: Partial<RelayLimits>;
  logger?: RelayLogger;
  /** HTTP/WebSocket port: idle and half-sent connection timeouts (defaults in transport). */
  connectionTimeouts?: Partial<ConnectionTimeouts>;
}

/** WebTransport protocols the relay accepts, preferred first; each means draft-14 setup. */
export const RELAY_PROTOCOLS = ['moq-00', 'moql'];
