// Relay access control: path-scoped JWTs with moq-dev's claim names (root, put, get, exp, iat,
// cluster), keys from JWK files chosen by kid, public prefixes, and the per-session enforcement.
export { AccessGrant, type GrantSource } from './access-grant.js';
export { AuthError, type AuthErrorCode } from './auth-error.js';
export {
  Authorizer,
  type AuthorizerOptions,
  type DeniedAction,
  type Denial,
} from './authorizer.js';
export {
  ClaimsSchema,
  parseClaims,
  permissionsAt,
  type Claims,
  type ClaimsInit,
  type Permissions,
} from './claims.js';
export { KEY_ALGORITHMS, publicHalf, type KeyAlgorithm, type RelayJwk } from './jwk.js';
export { KeySet, readKeyFile } from './key-set.js';
export { SessionAccess, sessionCloseCodeFor } from './session-access.js';
export {
  GENERATED_ALGORITHMS,
  generateKey,
  signClusterToken,
  signToken,
  type GeneratedAlgorithm,
  type GeneratedKey,
  type SignOptions,
} from './token-signer.js';
export {
  CLOCK_LEEWAY_S,
  MAX_TOKEN_BYTES,
  verifyToken,
  type VerifyOptions,
} from './token-verifier.js';
