import { z } from 'zod';
import { AuthError } from './auth-error.js';
import { hasPathPrefix, joinPath, normalizePath } from './token-path.js';

const oneOrMany = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => (value === undefined ? [] : typeof value === 'string' ? [value] : value));

/**
 * The claims of a relay token, named as moq-dev's moq-token names them so its tokens work here:
 * `root` (the path the token is scoped to), `put` / `get` (prefixes below the root it may publish
 * / subscribe to; a string or a list; `""` is everything below the root, absent or `[]` nothing),
 * `exp` / `iat` (seconds), and `cluster` (a relay-to-relay session).
 */
export const ClaimsSchema = z.object({
  root: z.string().optional().default(''),
  put: oneOrMany,
  get: oneOrMany,
  exp: z.number().optional(),
  iat: z.number().optional(),
  nbf: z.number().optional(),
  cluster: z.boolean().optional().default(false),
});

export type Claims = z.infer<typeof ClaimsSchema>;

/** What a token may be signed with: the moq-token claim names, before defaults. */
export type ClaimsInit = z.input<typeof ClaimsSchema>;

/** The absolute path prefixes a session may publish and subscribe under. */
export interface Permissions {
  publish: string[];
  subscribe: string[];
}

export function parseClaims(payload: unknown): Claims {
  const parsed = ClaimsSchema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'claims';
    throw new AuthError('MALFORMED', `token claim ${where}: ${issue?.message ?? 'invalid'}`);
  }
  const claims = parsed.data;
  if (claims.put.length === 0 && claims.get.length === 0 && !claims.cluster) {
    throw new AuthError('NO_ACCESS', 'the token grants neither put nor get');
  }
  return claims;
}

/**
 * What the claims grant to a session connected at `connectionPath`, as absolute prefixes (this
 * relay's namespaces are absolute). As in moq-dev, the path and the root must overlap: a path
 * below the root narrows every grant to it, a path above the root leaves the grants anchored at
 * the root, an unrelated path is ROOT_MISMATCH, and one where nothing is left is NO_ACCESS. A
 * cluster token grants everything.
 */
export function permissionsAt(claims: Claims, connectionPath: string): Permissions {
  if (claims.cluster) return { publish: [''], subscribe: [''] };
  const path = normalizePath(connectionPath);
  const root = normalizePath(claims.root);
  if (!hasPathPrefix(path, root) && !hasPathPrefix(root, path)) {
    throw new AuthError(
      'ROOT_MISMATCH',
      `the token is for '${root}', not the connection path '${path}'`,
    );
  }
  const scope = (grants: readonly string[]): string[] =>
    grants.flatMap((grant) => {
      const absolute = joinPath(root, grant);
      if (hasPathPrefix(absolute, path)) return [absolute];
      if (hasPathPrefix(path, absolute)) return [path];
      return [];
    });
  const permissions = { publish: scope(claims.put), subscribe: scope(claims.get) };
  if (permissions.publish.length === 0 && permissions.subscribe.length === 0) {
    throw new AuthError('NO_ACCESS', `the token grants nothing at '${path}'`);
  }
  return permissions;
}
