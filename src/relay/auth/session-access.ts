import {
  AuthTokenAliasType,
  MoqError,
  PublishNamespaceErrorCode,
  SessionCloseCode,
  SubscribeErrorCode,
  SubscribeNamespaceErrorCode,
  type AuthToken,
  type MoqSession,
} from '../../moq/index.js';
import { AccessGrant, pathOf } from './access-grant.js';
import { AuthError, type AuthErrorCode } from './auth-error.js';
import type { Authorizer, DeniedAction } from './authorizer.js';

/** setTimeout's ceiling; a later expiry is re-armed in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One session's access, enforced where the relay serves it: PUBLISH_NAMESPACE, SUBSCRIBE (and
 * FETCH / TRACK_STATUS, which resolve the same way), SUBSCRIBE_NAMESPACE, and the token's `exp`.
 * Refusals carry the draft's UNAUTHORIZED code for the message refused.
 */
export class SessionAccess {
  #grant: AccessGrant = AccessGrant.open();

  constructor(private readonly authorizer: Authorizer) {}

  get grant(): AccessGrant {
    return this.#grant;
  }

  /**
   * Runs at CLIENT_SETUP, before SERVER_SETUP: a refused session is closed with UNAUTHORIZED,
   * MALFORMED_AUTH_TOKEN or EXPIRED_AUTH_TOKEN and a reason saying why.
   */
  async admit(url: URL, setupTokens: readonly AuthToken[]): Promise<void> {
    try {
      this.#grant = await this.authorizer.admit(url, tokenValues(setupTokens));
    } catch (error) {
      if (error instanceof AuthError) {
        throw new MoqError(sessionCloseCodeFor(error.code), error.message, 'session');
      }
      throw error;
    }
  }

  checkPublish(namespace: readonly string[]): void {
    if (this.#grant.canPublish(namespace)) return;
    throw this.#refuse('publish', namespace, PublishNamespaceErrorCode.UNAUTHORIZED);
  }

  checkSubscribe(namespace: readonly string[]): void {
    if (this.#grant.canSubscribe(namespace)) return;
    throw this.#refuse('subscribe', namespace, SubscribeErrorCode.UNAUTHORIZED);
  }

  /**
   * SUBSCRIBE_NAMESPACE: refused at once (so the refusal is the answer, not SUBSCRIBE_NAMESPACE_OK),
   * or the announcements under the prefix that this session may subscribe to.
   */
  announcements<T extends { namespace: readonly string[] }>(
    prefix: readonly string[],
    source: () => AsyncIterable<T>,
  ): AsyncIterable<T> {
    if (!this.#grant.canDiscover(prefix)) {
      throw this.#refuse('discover', prefix, SubscribeNamespaceErrorCode.UNAUTHORIZED);
    }
    return filtered(source(), (announcement) => this.#grant.canSubscribe(announcement.namespace));
  }

  /** Closes the session with EXPIRED_AUTH_TOKEN when its token's `exp` passes. */
  expire(session: MoqSession): void {
    const expiresAtMs = this.#grant.expiresAtMs;
    if (expiresAtMs === undefined) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = (): void => {
      const leftMs = expiresAtMs - Date.now();
      if (leftMs <= 0) {
        this.authorizer.noteDenied('session', 'EXPIRED', '', 'the token expired mid-session');
        session.close(
          new MoqError(SessionCloseCode.EXPIRED_AUTH_TOKEN, 'the token has expired', 'session'),
        );
        return;
      }
      timer = setTimeout(arm, Math.min(leftMs, MAX_TIMER_MS));
      timer.unref?.();
    };
    arm();
    const stop = (): void => clearTimeout(timer);
    session.closed.then(stop, stop);
  }

  #refuse(action: DeniedAction, namespace: readonly string[], code: number): MoqError {
    const path = pathOf(namespace);
    const reason = `not authorized to ${action} '${path}'`;
    this.authorizer.noteDenied(action, 'FORBIDDEN', path, reason);
    return new MoqError(code, reason, 'request');
  }
}

/** The draft's session codes (§Session Termination): a bad or expired token, or no right. */
export function sessionCloseCodeFor(code: AuthErrorCode): number {
  switch (code) {
    case 'EXPIRED':
      return SessionCloseCode.EXPIRED_AUTH_TOKEN;
    case 'MALFORMED':
    case 'TOO_LARGE':
      return SessionCloseCode.MALFORMED_AUTH_TOKEN;
    default:
      return SessionCloseCode.UNAUTHORIZED;
  }
}

/** The token texts of CLIENT_SETUP's AUTHORIZATION TOKEN parameters that carry a value. */
function tokenValues(tokens: readonly AuthToken[]): string[] {
  const decoder = new TextDecoder();
  return tokens.flatMap((token) =>
    token.aliasType === AuthTokenAliasType.UseValue ||
    token.aliasType === AuthTokenAliasType.Register
      ? [decoder.decode(token.tokenValue)]
      : [],
  );
}

async function* filtered<T>(
  source: AsyncIterable<T>,
  keep: (item: T) => boolean,
): AsyncGenerator<T> {
  for await (const item of source) if (keep(item)) yield item;
}
