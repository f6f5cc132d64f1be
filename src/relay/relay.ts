import {
  MemoryBudget,
  MoqError,
  MoqSession,
  PublishNamespaceErrorCode,
  SessionCloseCode,
  type BroadcastProducer,
  type BudgetAccount,
} from '../moq/index.js';
import { TransportServer, type AcceptedSession } from '../transport/index.js';
import { LinkMonitor, SwitchingTrack } from './abr/index.js';
import { Origin, OriginError } from './origin.js';
import {
  DEFAULT_LIMITS,
  RELAY_PROTOCOLS,
  type RelayLimits,
  type RelayLogger,
  type RelayOptions,
} from './relay-options.js';
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
  /** Every partial object and track cache of every session draws from this. */
  readonly memory: MemoryBudget;
  readonly #quotas: SessionQuotas;
  /** Sessions accepted whose MoQ setup has not finished: they count against maxSessions. */
  #pendingSetups = 0;
  readonly #server: TransportServer;
  readonly #log: RelayLogger;
  readonly #sessions = new Set<MoqSession>();
  #nextSessionId = 1;
  #closing = false;

  private constructor(server: TransportServer, limits: RelayLimits, log: RelayLogger) {
    this.#server = server;
    this.limits = limits;
    this.memory = new MemoryBudget(limits.memoryBudgetBytes);
    this.#quotas = new SessionQuotas(limits);
    this.#log = log;
    server.addRoute('GET', '/healthz', (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(this.health()));
    });
    serveWatch(server, this.origin);
    void this.#acceptLoop();
  }

  static async start(options: RelayOptions): Promise<Relay> {
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    const server = await TransportServer.listen({
      host: options.host,
      port: options.port,
      certificates: options.certificates,
      protocols: RELAY_PROTOCOLS,
      ...(options.connectionTimeouts ? { connectionTimeouts: options.connectionTimeouts } : {}),
    });
    return new Relay(server, limits, options.logger ?? silent);
  }

  get port(): number {
    return this.#server.port;
  }

  get certificateSha256(): string {
    return this.#server.certificates.current().sha256Hex;
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  health(): { status: 'ok' | 'closing'; sessions: number; broadcasts: number } {
    return {
      status: this.#closing ? 'closing' : 'ok',
      sessions: this.#sessions.size,
      broadcasts: this.origin.broadcasts.length,
    };
  }

  /** Shutdown: GOAWAY to every session, a grace period, then close. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    for (const session of this.#sessions) session.sendGoaway('');
    if (this.#sessions.size > 0)
      await new Promise((resolve) => setTimeout(resolve, GOAWAY_GRACE_MS));
    const closing = [...this.#sessions].map((s) => s.closed.catch(() => undefined));
    for (const session of this.#sessions) {
      session.close(new MoqError(SessionCloseCode.GOAWAY_TIMEOUT, 'relay shutting down'));
    }
    await withTimeout(Promise.all(closing), GOAWAY_GRACE_MS);
    for (const broadcast of this.origin.broadcasts) broadcast.close();
    await this.#server.close();
  }

  async #acceptLoop(): Promise<void> {
    for (
      let accepted = await this.#server.accept();
      accepted;
      accepted = await this.#server.accept()
    ) {
      const open = this.#sessions.size + this.#pendingSetups;
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
    this.#pendingSetups++;
    // Whoever the session turns out to be, it holds its quota place until the transport ends.
    accepted.session.closed.then(ticket.release, ticket.release);
    let session: MoqSession | undefined;
    const budget = this.memory.account(`session ${id}`, (reason) =>
      session?.close(new MoqError(SessionCloseCode.INTERNAL_ERROR, reason)),
    );
    const setupTimer = setTimeout(() => {
      accepted.session.close({
        closeCode: SessionCloseCode.CONTROL_MESSAGE_TIMEOUT,
        reason: `no CLIENT_SETUP within ${this.limits.setupTimeoutMs} ms`,
      });
    }, this.limits.setupTimeoutMs);
    try {
      session = await this.#setup(accepted, id, budget);
    } finally {
      clearTimeout(setupTimer);
      this.#pendingSetups--;
    }
    if (!session) {
      budget.close();
      return;
    }
    this.#sessions.add(session);
    const where = { session: id, remote: accepted.request.remoteAddress };
    this.#log.info({ ...where, peer: session.peerImplementation }, 'session open');
    try {
      await session.closed;
      this.#log.info(where, 'session closed');
    } catch (error) {
      this.#log.info({ ...where, error: describe(error) }, 'session closed with error');
    } finally {
      this.#sessions.delete(session);
      budget.close();
    }
  }

  /** Runs the MoQ setup; undefined (logged) when it fails or times out. */
  async #setup(
    accepted: AcceptedSession,
    id: number,
    budget: BudgetAccount,
  ): Promise<MoqSession | undefined> {
    const { request } = accepted;
    const where = {
      session: id,
      transport: request.transport,
      remote: request.remoteAddress,
      path: request.url.pathname,
      protocol: accepted.session.protocol,
    };
    // One view of this viewer's link, shared by its switching sets (server-side ABR).
    const link = new LinkMonitor(() => accepted.stats());
    const announced = { count: 0 };
    try {
      return await MoqSession.accept(accepted.session, {
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
        resolveBroadcast: (namespace) => this.origin.route(namespace),
        onPublishNamespace: (broadcast) => this.#publish(broadcast, id, announced),
        onSubscribeNamespace: (prefix, signal) => this.origin.announcements(prefix, signal),
        // Server-side ABR: this viewer's own link figures choose its rendition per group.
        openSwitchingSet: ({ broadcast, entries }) =>
          new SwitchingTrack({
            broadcast,
            entries,
            link,
            onSwitch: (change, estimate) =>
              this.#log.info(
                {
                  ...where,
                  broadcast: broadcast.namespace.join('/'),
                  group: change.groupId,
                  from: change.from === undefined ? null : entries[change.from]?.trackName,
                  to: entries[change.to]?.trackName,
                  reason: change.reason,
                  estimateKbps: kbps(estimate.bps),
                  sentKbps: kbps(estimate.sentBps),
                  peakKbps: kbps(estimate.peakBps),
                  rttMs: estimate.rttMs,
                },
                'rendition switch',
              ),
          }).consumer,
      });
    } catch (error) {
      this.#log.warn({ ...where, error: describe(error) }, 'session setup failed');
      return undefined;
    }
  }

  #publish(broadcast: BroadcastProducer, sessionId: number, announced: { count: number }): void {
    if (!this.#quotas.mayAnnounce(announced.count)) {
      throw new MoqError(
        PublishNamespaceErrorCode.UNAUTHORIZED,
        `announce quota: at most ${this.limits.maxAnnouncesPerSession} namespaces per session`,
        'request',
      );
    }
    try {
      this.origin.publish(broadcast);
    } catch (error) {
      if (error instanceof OriginError) {
        throw new MoqError(PublishNamespaceErrorCode.NAMESPACE_TAKEN, error.message, 'request');
      }
      throw error;
    }
    this.#log.info({ session: sessionId, broadcast: broadcast.path }, 'broadcast announced');
    announced.count++;
    broadcast.onClose((error) => {
      announced.count--;
      this.#log.info(
        {
          session: sessionId,
          broadcast: broadcast.path,
          error: error ? describe(error) : undefined,
        },
        'broadcast ended',
      );
    });
  }
}

async function withTimeout(work: Promise<unknown>, timeoutMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  await Promise.race([work, late]);
  clearTimeout(timer);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function kbps(bps: number | undefined): number | null {
  return bps === undefined ? null : Math.round(bps / 1000);
}
