import type { Permissions } from './claims.js';
import { hasPathPrefix, normalizePath } from './token-path.js';

/** How a session came by its rights. */
export type GrantSource = 'open' | 'token' | 'public';

const NONE: Permissions = { publish: [], subscribe: [] };

/**
 * What one session may do: absolute path prefixes to publish and subscribe under (its token's,
 * plus the relay's public ones, read live so a prefix opened later counts), and when its token
 * expires. A namespace is checked as its fields joined by '/' (moq-dev's broadcast paths).
 */
export class AccessGrant {
  constructor(
    readonly permissions: Permissions,
    readonly source: GrantSource,
    readonly expiresAtMs: number | undefined = undefined,
    readonly cluster = false,
    readonly publicPermissions: Permissions = NONE,
  ) {}

  /** Everything, for a relay without keys. */
  static open(): AccessGrant {
    return new AccessGrant({ publish: [''], subscribe: [''] }, 'open');
  }

  canPublish(namespace: readonly string[]): boolean {
    const path = pathOf(namespace);
    return covered(this.permissions.publish, path) || covered(this.publicPermissions.publish, path);
  }

  canSubscribe(namespace: readonly string[]): boolean {
    const path = pathOf(namespace);
    return (
      covered(this.permissions.subscribe, path) || covered(this.publicPermissions.subscribe, path)
    );
  }

  /**
   * SUBSCRIBE_NAMESPACE on `prefix` is allowed when some subscribe grant lies above or below it;
   * announcements are then filtered through `canSubscribe`.
   */
  canDiscover(prefix: readonly string[]): boolean {
    const path = pathOf(prefix);
    return [...this.permissions.subscribe, ...this.publicPermissions.subscribe].some(
      (grant) => hasPathPrefix(path, grant) || hasPathPrefix(grant, path),
    );
  }
}

export function pathOf(namespace: readonly string[]): string {
  return normalizePath(namespace.join('/'));
}

function covered(grants: readonly string[], path: string): boolean {
  return grants.some((grant) => hasPathPrefix(path, grant));
}
