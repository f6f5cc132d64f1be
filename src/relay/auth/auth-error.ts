/** Why a token or a request was refused; compare codes, never the message. */
export type AuthErrorCode =
  /** Keys are configured, the session has no token and no public prefix covers anything. */
  | 'NO_TOKEN'
  /** Not a compact JWS, not JSON, or claims of the wrong shape. */
  | 'MALFORMED'
  /** Longer than the relay accepts (a cheap guard before any parsing). */
  | 'TOO_LARGE'
  /** `alg` is `none`, or not the algorithm of the key it names. */
  | 'BAD_ALGORITHM'
  /** No configured key has the token's `kid` (or it has none and several keys are configured). */
  | 'UNKNOWN_KEY'
  /** The signature does not verify with the key. */
  | 'BAD_SIGNATURE'
  /** `exp` has passed (beyond the leeway). */
  | 'EXPIRED'
  /** `iat` or `nbf` lies in the future beyond the leeway: the signer's clock is off. */
  | 'CLOCK_SKEW'
  /** The connection path and the token's root do not overlap. */
  | 'ROOT_MISMATCH'
  /** The token grants nothing at the connection path. */
  | 'NO_ACCESS'
  /** A request outside what the session may do. */
  | 'FORBIDDEN'
  /** A key file that cannot be read or is not a usable JWK. */
  | 'BAD_KEY';

export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    readonly code: AuthErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
