import {
  LiteError,
  LiteSession,
  MoqError,
  type BroadcastProducer,
  type LiteVersion,
} from '../moq/index.js';
import type { AcceptedSession } from '../transport/index.js';
import type { SessionAccess } from './auth/index.js';
import type { Origin } from './origin.js';
import type { RelayLimits, RelayLogger } from './relay-options.js';

/** What a moq-lite session needs from the relay that accepted it. */
export interface LiteServeContext {
  origin: Origin;
  access: SessionAccess;
  limits: RelayLimits;
  log: RelayLogger;
  /** The relay's own publish path (origin, sampler, logs); throws to refuse. */
  publish: (broadcast: BroadcastProducer) => void;
}

/**
 * The relay's moq-lite sessions: admitted by the same access check as a draft-14/16 CLIENT_SETUP
 * (moq-lite has no token in its handshake, so `?jwt=` in the URL is the only credential), then
 * served from and into the same Origin.
 */
export class LiteSessions {
  readonly #sessions = new Set<LiteSession>();

  get size(): number {
    return this.#sessions.size;
  }

  async serve(
    accepted: AcceptedSession,
    version: LiteVersion,
    ctx: LiteServeContext,
  ): Promise<void> {
    const { access, origin, log } = ctx;
    try {
      await access.admit(accepted.request.url, []);
    } catch (error) {
      const refusal = error instanceof MoqError ? error : undefined;
      log.warn({ error: describe(error) }, 'session refused');
      accepted.session.close({ closeCode: refusal?.code ?? 0x1, reason: describe(error) });
      return;
    }
    const session = new LiteSession(accepted.session, version, {
      resolveBroadcast: (namespace) => {
        access.checkSubscribe(namespace);
        return origin.route(namespace);
      },
      onPublishNamespace: (broadcast) => {
        access.checkPublish(broadcast.namespace);
        ctx.publish(broadcast);
      },
      announcements: (prefix, signal) =>
        access.announcements(prefix, () => origin.announcements(prefix, signal)),
      trackOptions: { cacheGroups: ctx.limits.cacheGroups, cacheBytes: ctx.limits.cacheBytes },
      maxObjectBytes: ctx.limits.maxObjectBytes,
      onRequestError: (what, error) => log.info({ what, error: error.message }, 'request refused'),
    });
    this.#sessions.add(session);
    const stopExpiry = expireWith(session, access.grant.expiresAtMs);
    log.info({ version: session.protocol, access: access.grant.source }, 'session open');
    await session.closed;
    stopExpiry();
    this.#sessions.delete(session);
    const error = session.error;
    if (error) log.info({ error: error.message, code: error.code }, 'session closed with error');
    else log.info({}, 'session closed');
  }

  goaway(): void {
    for (const session of this.#sessions) session.sendGoaway('');
  }

  close(): void {
    for (const session of this.#sessions) {
      session.close(new LiteError('CLOSED', 'relay shutting down'));
    }
  }
}

/** Closes the session when its token's `exp` passes; returns the timer's stop. */
function expireWith(session: LiteSession, expiresAtMs: number | undefined): () => void {
  if (expiresAtMs === undefined) return () => undefined;
  const timer = setTimeout(
    () => session.close(new LiteError('UNAUTHORIZED', 'the token has expired')),
    Math.min(Math.max(0, expiresAtMs - Date.now()), 2 ** 31 - 1),
  );
  timer.unref?.();
  return () => clearTimeout(timer);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
