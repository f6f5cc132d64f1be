import { settleWithin } from '../async/index.js';
import {
  MemoryBudget,
  MoqError,
  MoqSession,
  PublishNamespaceErrorCode,
  liteVersionOfProtocol,
  SessionCloseCode,
  type BroadcastProducer,
  type BudgetAccount,
  type LiteVersion,
} from '../moq/index.js';
import { TransportServer, type AcceptedSession } from '../transport/index.js';
import { LinkMonitor, SwitchingTrack } from './abr/index.js';
import { Authorizer, SessionAccess } from './auth/index.js';
import {
  QualitySampler,
  RelayMetrics,
  SessionRecord,
  currentViewings,
  trackSwitching,
  type SwitchingViewing,
} from './metrics/index.js';
import { ClusterError, RelayCluster } from './cluster/index.js';
import { ownerKey } from './name-holds.js';
import { LiteSessions } from './lite-sessions.js';
import { Origin, OriginError } from './origin.js';
import {
  DEFAULT_LIMITS,
  EARLY_SUBSCRIBE_ENV,
  RELAY_PROTOCOLS,
  type RelayLimits,
  type RelayLogger,
  type RelayOptions,
} from './relay-options.js';
import { sessionLogger } from './session-logger.js';
import { SessionQuotas, type QuotaTicket } from './session-quotas.js';
import { serveWatch } from './watch/index.js';

/** How long clients get after GOAWAY before the relay closes their sessions. */
const GOAWAY_GRACE_MS = 1000;

const silent: RelayLogger = { info: () => undefined, warn: () => undefined };

/**
 * The relay: accepts MoQ sessions over QUIC and WebSocket on one port, routes subscriptions to
 * whoever announced the namespace, and fans each track out from one upstream subscription.
 */
export class Relay {
  readonly origin = new Origin();
  readonly limits: RelayLimits;
  /** Set when the relay joined a cluster. */
  cluster: RelayCluster | undefined;
  /** Every partial object and track cache of every session draws from this. */
  readonly memory: MemoryBudget;
  readonly #quotas: SessionQuotas;
  /** Sessions accepted whose MoQ setup has not finished: they count against maxSessions. */
  #pendingSetups = 0;
  readonly #server: TransportServer;
  readonly #peerServer: TransportServer | undefined;
  readonly #log: RelayLogger;
  readonly #auth: Authorizer;
  readonly #sessions = new Set<MoqSession>();
  readonly #liteSessions = new LiteSessions();
  /** What the metrics know of each open session. */
  readonly #records = new Map<MoqSession, SessionRecord>();
  /** Prometheus figures (/metrics); `authDenied` and `clusterLinks` are for auth and cluster. */
  readonly metrics: RelayMetrics;
  readonly #sampler: QualitySampler;
  #nextSessionId = 1;
  #closing = false;

  private constructor(
    server: TransportServer,
    options: RelayOptions,
    limits: RelayLimits,
    peerServer?: TransportServer,
  ) {
    this.#server = server;
    this.#peerServer = peerServer;
    this.limits = limits;
    this.#log = options.logger ?? silent;
    this.#auth = options.auth ?? new Authorizer();
    this.memory = new MemoryBudget(limits.memoryBudgetBytes);
    this.#quotas = new SessionQuotas(limits);
    const viewings = () => currentViewings(this.#records.values(), (n) => this.origin.route(n));
    this.metrics = new RelayMetrics(
      {
        sessions: () => this.#records.values(),
        broadcastCount: () => this.origin.broadcasts.length,
        cacheBytes: () => cacheBytes(this.origin.broadcasts),
        viewings,
        viewerStats: () => this.#sampler.latest,
        quicEndpoint: () => this.#server.stats(),
      },
      options.metrics,
    );
    this.#sampler = new QualitySampler({
      sessions: () => this.#records.values(),
      broadcasts: () => this.origin.broadcasts,
      viewings,
      metrics: this.metrics,
    });
    this.#auth.listen((denial) => this.metrics.authDenied(denial.code));
    server.addRoute('GET', '/healthz', (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(this.health()));
    });
    // Ready = accepting sessions; a draining relay says 503 so load balancers move on.
    server.addRoute('GET', '/readyz', (_req, res) => {
      res.statusCode = this.#closing ? 503 : 200;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: this.#closing ? 'closing' : 'ready' }));
    });
    server.addRoute('GET', '/metrics', (_req, res) => {
      this.metrics.clusterLinks.set(this.cluster?.peers.length ?? 0);
      this.metrics.render().then(
        ({ contentType, body }) => {
          res.setHeader('content-type', contentType);
          res.end(body);
        },
        (error: unknown) => {
          res.statusCode = 500;
          res.end(describe(error));
        },
      );
    });
    serveWatch(server, this.origin, {
      earlySubscribe: options.earlySubscribe ?? process.env[EARLY_SUBSCRIBE_ENV] !== '0',
    });
    void this.#acceptLoop(server);
    if (peerServer) void this.#acceptLoop(peerServer);
  }

  static async start(options: RelayOptions): Promise<Relay> {
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    const server = await TransportServer.listen({
      host: options.host,
      port: options.port,
      certificates: options.certificates,
      protocols: RELAY_PROTOCOLS,
      reusePort: options.reusePort,
      ...(options.quicRouting ? { quicRouting: options.quicRouting } : {}),
      ...(options.connectionTimeouts ? { connectionTimeouts: options.connectionTimeouts } : {}),
    });
    const peerServer = options.peerBind
      ? await TransportServer.listen({
          ...options.peerBind,
          certificates: server.certificates,
          protocols: RELAY_PROTOCOLS,
        }).catch(async (error: unknown) => {
          await server.close();
          throw error;
        })
      : undefined;
    const relay = new Relay(server, options, limits, peerServer);
    try {
      if (options.cluster) relay.#joinCluster(options.cluster, options.peerBind?.host, peerServer);
    } catch (error) {
      await relay.close();
      throw error;
    }
    return relay;
  }

  /** The port of the relay-to-relay listener (`peerBind`), if any. */
  get peerPort(): number | undefined {
    return this.#peerServer?.port;
  }

  #joinCluster(
    options: NonNullable<RelayOptions['cluster']>,
    peerHost?: string,
    peer?: TransportServer,
  ): void {
    const host = peerHost === undefined || peerHost === '0.0.0.0' ? '127.0.0.1' : peerHost;
    const node = options.node ?? (peer ? `http://${host}:${peer.port}/` : undefined);
    if (!node) throw new ClusterError('BAD_OPTIONS', 'a cluster needs the URL peers reach us by');
    this.cluster = new RelayCluster(
      this.origin,
      { ...options, node },
      {
        trackOptions: { cacheGroups: this.limits.cacheGroups, cacheBytes: this.limits.cacheBytes },
        logger: this.#log,
      },
    );
  }

  get port(): number {
    return this.#server.port;
  }

  get certificateSha256(): string {
    return this.#server.certificates.current().sha256Hex;
  }

  /** The access policy: its `denials` count refusals by code. */
  get auth(): Authorizer {
    return this.#auth;
  }

  get sessionCount(): number {
    return this.#sessions.size + this.#liteSessions.size;
  }

  health(): { status: 'ok' | 'closing'; sessions: number; broadcasts: number } {
    return {
      status: this.#closing ? 'closing' : 'ok',
      sessions: this.sessionCount,
      broadcasts: this.origin.broadcasts.length,
    };
  }

  /** Shutdown: GOAWAY to every session, a grace period, then close. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    // Peers learn first that our broadcasts are leaving, so their viewers' tracks can move.
    await this.cluster?.close();
    for (const session of this.#sessions) session.sendGoaway('');
    this.#liteSessions.goaway();
    if (this.sessionCount > 0) await new Promise((resolve) => setTimeout(resolve, GOAWAY_GRACE_MS));
    const closing = [...this.#sessions].map((s) => s.closed.catch(() => undefined));
    for (const session of this.#sessions) {
      session.close(new MoqError(SessionCloseCode.GOAWAY_TIMEOUT, 'relay shutting down'));
    }
    this.#liteSessions.close();
    await settleWithin(Promise.all(closing), GOAWAY_GRACE_MS);
    for (const broadcast of this.origin.broadcasts) broadcast.close();
    this.#sampler.close();
    await this.#server.close();
    await this.#peerServer?.close();
  }

  async #acceptLoop(server: TransportServer): Promise<void> {
    for (let accepted = await server.accept(); accepted; accepted = await server.accept()) {
      const open = this.sessionCount + this.#pendingSetups;
      const admission = this.#closing
        ? { ok: false as const, reason: 'relay closing' }
        : open >= this.limits.maxSessions
          ? { ok: false as const, reason: 'relay full' }
          : this.#quotas.admit(accepted.request.remoteAddress, accepted.request.url);
      if (!admission.ok) {
        accepted.session.close({
          closeCode: SessionCloseCode.TOO_MANY_REQUESTS,
          reason: admission.reason,
        });
        continue;
      }
      void this.#serve(accepted, this.#nextSessionId++, admission.ticket);
    }
  }

  async #serve(accepted: AcceptedSession, id: number, ticket: QuotaTicket): Promise<void> {
    // Whoever the session turns out to be, it holds its quota place until the transport ends.
    accepted.session.closed.then(ticket.release, ticket.release);
    const liteVersion = liteVersionOfProtocol(accepted.session.protocol);
    if (liteVersion !== undefined) return this.#serveLite(accepted, id, liteVersion);
    this.#pendingSetups++;
    let opened: OpenedSession | undefined;
    const budget = this.memory.account(`session ${id}`, (reason) =>
      opened?.session.close(new MoqError(SessionCloseCode.INTERNAL_ERROR, reason)),
    );
    const setupTimer = setTimeout(() => {
      accepted.session.close({
        closeCode: SessionCloseCode.CONTROL_MESSAGE_TIMEOUT,
        reason: `no CLIENT_SETUP within ${this.limits.setupTimeoutMs} ms`,
      });
    }, this.limits.setupTimeoutMs);
    try {
      opened = await this.#setup(accepted, id, budget);
    } finally {
      clearTimeout(setupTimer);
      this.#pendingSetups--;
    }
    if (!opened) {
      budget.close();
      return;
    }
    const { session, log, access, record } = opened;
    this.#sessions.add(session);
    access.expire(session);
    this.#records.set(session, record);
    this.metrics.sessionOpened(record);
    log.info(
      { peer: session.peerImplementation, version: session.version, access: access.grant.source },
      'session open',
    );
    try {
      await session.closed;
      log.info({}, 'session closed');
    } catch (error) {
      log.info({ error: describe(error) }, 'session closed with error');
    } finally {
      this.#sessions.delete(session);
      this.#records.delete(session);
      this.metrics.sessionClosed(record);
      budget.close();
    }
  }

  /** A moq-lite session (no SETUP: the protocol chose it), on the same origin and access rules. */
  #serveLite(accepted: AcceptedSession, id: number, version: LiteVersion): Promise<void> {
    const log = sessionLogger(this.#log, whereOf(accepted, id));
    const access = new SessionAccess(this.#auth);
    const announced = { count: 0 };
    const owner = (): string => ownerKey(access.grant, accepted.request.remoteAddress);
    return this.#liteSessions.serve(accepted, version, {
      origin: this.origin,
      access,
      limits: this.limits,
      log,
      publish: (broadcast) => this.#publish(broadcast, log, announced, owner()),
    });
  }

  /** Runs the MoQ setup; undefined (logged) when it fails or times out. */
  async #setup(
    accepted: AcceptedSession,
    id: number,
    budget: BudgetAccount,
  ): Promise<OpenedSession | undefined> {
    const { request } = accepted;
    // Every line about this session carries its id (pino child logger).
    const log = sessionLogger(this.#log, whereOf(accepted, id));
    // One view of this viewer's link, shared by its switching sets (server-side ABR).
    const link = new LinkMonitor(() => accepted.stats());
    // Who may do what: decided at CLIENT_SETUP from ?jwt= or the setup's token.
    const access = new SessionAccess(this.#auth);
    // This session's switching sets, for its viewer figures (opened once the session runs).
    const switching = new Set<SwitchingViewing>();
    const announced = { count: 0 };
    let session: MoqSession;
    try {
      session = await MoqSession.accept(accepted.session, {
        onClientSetup: (setup) => access.admit(request.url, setup.authorizationTokens),
        maxRequests: this.limits.maxRequestsPerSession,
        maxInflightGroups: this.limits.maxInflightGroups,
        maxObjectBytes: this.limits.maxObjectBytes,
        objectStallMs: this.limits.objectStallMs,
        budget,
        trackOptions: {
          cacheGroups: this.limits.cacheGroups,
          cacheBytes: this.limits.cacheBytes,
          budget,
        },
        resolveBroadcast: (namespace) => {
          access.checkSubscribe(namespace);
          return this.origin.route(namespace);
        },
        onPublishNamespace: (broadcast) => {
          access.checkPublish(broadcast.namespace);
          this.#publish(broadcast, log, announced, ownerKey(access.grant, request.remoteAddress));
        },
        onSubscribeNamespace: (prefix, signal) =>
          access.announcements(prefix, () => this.origin.announcements(prefix, signal)),
        // Server-side ABR: this viewer's own link figures choose its rendition per group.
        openSwitchingSet: ({ broadcast, entries }) => {
          const track = new SwitchingTrack({
            broadcast,
            entries,
            link,
            onSwitch: (change, estimate) => {
              this.metrics.renditionSwitched(change.reason);
              log.info(
                {
                  broadcast: broadcast.namespace.join('/'),
                  group: change.groupId,
                  from: change.from === undefined ? null : entries[change.from]?.trackName,
                  to: entries[change.to]?.trackName,
                  reason: change.reason,
                  ...(change.midGroup ? { midGroup: true } : {}),
                  estimateKbps: kbps(estimate.bps),
                  sentKbps: kbps(estimate.sentBps),
                  peakKbps: kbps(estimate.peakBps),
                  rttMs: estimate.rttMs,
                  backlogBytes: estimate.backlogBytes,
                },
                'rendition switch',
              );
            },
          });
          trackSwitching(switching, { broadcast, entries, track });
          return track.consumer;
        },
      });
    } catch (error) {
      log.warn({ error: describe(error) }, 'session setup failed');
      return undefined;
    }
    const record = new SessionRecord({
      id,
      transport: request.transport,
      protocol: accepted.session.protocol,
      session,
      stats: () => accepted.stats(),
      switching,
    });
    return { session, log, access, record };
  }

  #publish(
    broadcast: BroadcastProducer,
    log: RelayLogger,
    announced: { count: number },
    owner: string,
  ): void {
    if (!this.#quotas.mayAnnounce(announced.count)) {
      throw new MoqError(
        PublishNamespaceErrorCode.UNAUTHORIZED,
        `announce quota: at most ${this.limits.maxAnnouncesPerSession} namespaces per session`,
        'request',
      );
    }
    try {
      this.origin.publish(broadcast, owner);
    } catch (error) {
      if (error instanceof OriginError) {
        throw new MoqError(PublishNamespaceErrorCode.NAMESPACE_TAKEN, error.message, 'request');
      }
      throw error;
    }
    this.#sampler.attach(broadcast);
    log.info({ broadcast: broadcast.path }, 'broadcast announced');
    announced.count++;
    broadcast.onClose((error) => {
      announced.count--;
      log.info(
        {
          broadcast: broadcast.path,
          error: error ? describe(error) : undefined,
        },
        'broadcast ended',
      );
    });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Bytes held in the group caches of every broadcast's tracks. */
function cacheBytes(broadcasts: readonly BroadcastProducer[]): number {
  let total = 0;
  for (const broadcast of broadcasts) {
    for (const name of broadcast.trackNames) {
      for (const group of broadcast.liveTrack(name)?.cachedGroups ?? []) total += group.sizeBytes;
    }
  }
  return total;
}

function kbps(bps: number | undefined): number | null {
  return bps === undefined ? null : Math.round(bps / 1000);
}

/** A session past its setup, with what the relay keeps beside it. */
interface OpenedSession {
  session: MoqSession;
  log: RelayLogger;
  access: SessionAccess;
  record: SessionRecord;
}

/** What every log line about a session says of it. */
function whereOf(accepted: AcceptedSession, id: number): Record<string, unknown> {
  const { request } = accepted;
  return {
    session: id,
    transport: request.transport,
    remote: request.remoteAddress,
    path: request.url.pathname,
    protocol: accepted.session.protocol,
  };
}
