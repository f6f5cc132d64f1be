import { decodeProtectedHeader, jwtVerify, type ProtectedHeaderParameters } from 'jose';
import { AuthError } from './auth-error.js';
import { parseClaims, type Claims } from './claims.js';
import type { KeySet } from './key-set.js';

/** Tokens longer than this are refused before any parsing (moq-dev's are a few hundred bytes). */
export const MAX_TOKEN_BYTES = 8 * 1024;
/** How far the signer's clock may be off from ours, for `exp`, `nbf` and `iat`. */
export const CLOCK_LEEWAY_S = 10;

export interface VerifyOptions {
  maxTokenBytes?: number;
  leewayS?: number;
  /** The time to check against (tests); default now. */
  nowMs?: number;
}

/**
 * Verifies a relay token: size, header (`alg` must be the key's, never `none`), the key its `kid`
 * names, the signature, `exp` / `nbf` / `iat` within the leeway, then the claims' shape. Every
 * refusal is an AuthError whose code says why.
 */
export async function verifyToken(
  token: string,
  keys: KeySet,
  options: VerifyOptions = {},
): Promise<Claims> {
  const maxBytes = options.maxTokenBytes ?? MAX_TOKEN_BYTES;
  if (token.length > maxBytes) {
    throw new AuthError('TOO_LARGE', `the token is ${token.length} bytes, over ${maxBytes}`);
  }
  const header = readHeader(token);
  if (typeof header.alg !== 'string' || header.alg.toLowerCase() === 'none') {
    throw new AuthError('BAD_ALGORITHM', 'unsigned tokens (alg none) are refused');
  }
  const key = keys.find(typeof header.kid === 'string' ? header.kid : undefined);
  if (header.alg !== key.alg) {
    throw new AuthError(
      'BAD_ALGORITHM',
      `the token is signed with ${header.alg}, its key is ${key.alg}`,
    );
  }
  const leewayS = options.leewayS ?? CLOCK_LEEWAY_S;
  const nowMs = options.nowMs ?? Date.now();
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, key.key, {
      algorithms: [key.alg],
      clockTolerance: leewayS,
      currentDate: new Date(nowMs),
    }));
  } catch (error) {
    throw fromJose(error);
  }
  const claims = parseClaims(payload);
  if (claims.iat !== undefined && claims.iat > nowMs / 1000 + leewayS) {
    throw new AuthError(
      'CLOCK_SKEW',
      `the token was issued ${Math.round(claims.iat - nowMs / 1000)} s in the future ` +
        `(the signer's clock is off by more than ${leewayS} s)`,
    );
  }
  return claims;
}

function readHeader(token: string): ProtectedHeaderParameters {
  if (token.split('.').length !== 3) {
    throw new AuthError('MALFORMED', 'the token is not a JWT (three dot-separated parts)');
  }
  try {
    return decodeProtectedHeader(token);
  } catch (error) {
    throw new AuthError('MALFORMED', 'the token header is not base64url JSON', { cause: error });
  }
}

/** jose's errors by their code (never their text). */
function fromJose(error: unknown): AuthError {
  const code = (error as { code?: unknown }).code;
  const claim = (error as { claim?: unknown }).claim;
  const why = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new AuthError('BAD_SIGNATURE', 'the token signature does not verify', {
        cause: error,
      });
    case 'ERR_JWT_EXPIRED':
      return new AuthError('EXPIRED', 'the token has expired', { cause: error });
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return new AuthError('BAD_ALGORITHM', why, { cause: error });
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (claim === 'nbf' || claim === 'iat') {
        return new AuthError('CLOCK_SKEW', `the token is not valid yet (${claim})`, {
          cause: error,
        });
      }
      return new AuthError('MALFORMED', `token claim ${String(claim)}: ${why}`, { cause: error });
    default:
      return new AuthError('MALFORMED', `the token cannot be read: ${why}`, { cause: error });
  }
}
