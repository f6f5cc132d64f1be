import { AccessGrant } from './access-grant.js';
import { AuthError, type AuthErrorCode } from './auth-error.js';
import { permissionsAt, type Permissions } from './claims.js';
import type { KeySet } from './key-set.js';
import { normalizePath } from './token-path.js';
import { verifyToken, type VerifyOptions } from './token-verifier.js';

/** What a refusal was about. */
export type DeniedAction = 'session' | 'publish' | 'subscribe' | 'discover';

/** One refusal, for counters and logs (the metrics hook). */
export interface Denial {
  action: DeniedAction;
  code: AuthErrorCode;
  /** The connection path (session) or the namespace path (requests). */
  path: string;
  reason: string;
}

export interface AuthorizerOptions {
  /** The keys tokens are verified with. Without keys the relay is open to everyone. */
  keys?: KeySet;
  /** Prefixes anyone may publish and subscribe under without a token (`--public`). */
  publicPrefixes?: readonly string[];
  /** Prefixes anyone may subscribe under (only). */
  publicSubscribe?: readonly string[];
  /** Prefixes anyone may publish under (only). */
  publicPublish?: readonly string[];
  verify?: Omit<VerifyOptions, 'nowMs'>;
  /** Called for every refusal. */
  onDenied?: (denial: Denial) => void;
}

/**
 * The relay's access policy: turns a session's token (from `?jwt=` or CLIENT_SETUP) into an
 * AccessGrant, or refuses it, and counts every refusal by code.
 */
export class Authorizer {
  readonly #keys: KeySet | undefined;
  readonly #public: Permissions;
  readonly #options: AuthorizerOptions;
  readonly #denials = new Map<AuthErrorCode, number>();
  readonly #listeners = new Set<(denial: Denial) => void>();

  constructor(options: AuthorizerOptions = {}) {
    this.#options = options;
    this.#keys = options.keys && options.keys.size > 0 ? options.keys : undefined;
    const both = options.publicPrefixes ?? [];
    this.#public = {
      publish: [...both, ...(options.publicPublish ?? [])].map(normalizePath),
      subscribe: [...both, ...(options.publicSubscribe ?? [])].map(normalizePath),
    };
  }

  /** False for a relay without keys: every session may do everything, as before auth. */
  get enabled(): boolean {
    return this.#keys !== undefined;
  }

  /** Refusals so far, by code. */
  get denials(): ReadonlyMap<AuthErrorCode, number> {
    return this.#denials;
  }

  get deniedCount(): number {
    let total = 0;
    for (const count of this.#denials.values()) total += count;
    return total;
  }

  /** Lets anyone publish under `prefix` from now on (e.g. the studio's viewer chat). */
  allowPublicPublish(prefix: string): void {
    const path = normalizePath(prefix);
    if (!this.#public.publish.includes(path)) this.#public.publish.push(path);
  }

  /**
   * The grant for a session at `url` carrying `setupTokens` (CLIENT_SETUP's AUTHORIZATION TOKEN
   * values). `?jwt=` wins over a setup token. Refusals are AuthErrors, already counted.
   */
  async admit(url: URL, setupTokens: readonly string[] = []): Promise<AccessGrant> {
    const keys = this.#keys;
    if (!keys) return AccessGrant.open();
    const path = normalizePath(decodePath(url.pathname));
    const token = url.searchParams.get('jwt') || setupTokens.find((t) => t !== '');
    try {
      if (token === undefined || token === null) return this.#anonymous(path);
      const claims = await verifyToken(token, keys, this.#options.verify);
      const permissions = permissionsAt(claims, path);
      const expiresAtMs = claims.exp === undefined ? undefined : claims.exp * 1000;
      return new AccessGrant(permissions, 'token', expiresAtMs, claims.cluster, this.#public);
    } catch (error) {
      if (error instanceof AuthError) this.noteDenied('session', error.code, path, error.message);
      throw error;
    }
  }

  /** Counts a refusal and tells `onDenied` and the listeners. */
  noteDenied(action: DeniedAction, code: AuthErrorCode, path: string, reason: string): void {
    this.#denials.set(code, (this.#denials.get(code) ?? 0) + 1);
    const denial = { action, code, path, reason };
    this.#options.onDenied?.(denial);
    for (const listener of this.#listeners) listener(denial);
  }

  /** Hears every refusal from now on (the relay's metrics); returns the way to stop. */
  listen(listener: (denial: Denial) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #anonymous(path: string): AccessGrant {
    const { publish, subscribe } = this.#public;
    if (publish.length === 0 && subscribe.length === 0) {
      throw new AuthError('NO_TOKEN', `a token is required (connect with ?jwt=) for '/${path}'`);
    }
    return new AccessGrant(
      { publish: [], subscribe: [] },
      'public',
      undefined,
      false,
      this.#public,
    );
  }
}

function decodePath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}
