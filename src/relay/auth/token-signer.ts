import { SignJWT, exportJWK, generateKeyPair, generateSecret } from 'jose';
import type { ClaimsInit } from './claims.js';
import { algorithmOf, importKey, publicHalf, type KeyAlgorithm, type RelayJwk } from './jwk.js';

/** The algorithms `generateKey` makes (the ones moq-dev's relays and ours share). */
export const GENERATED_ALGORITHMS = ['HS256', 'ES256', 'EdDSA'] as const;
export type GeneratedAlgorithm = (typeof GENERATED_ALGORITHMS)[number];

export interface GeneratedKey {
  /** Signs (and, for HS256, verifies): keep it secret. */
  privateJwk: RelayJwk;
  /** Verifies: what a relay needs for an asymmetric key. The same key for HS256. */
  publicJwk: RelayJwk;
}

/** A new signing key with the given id, as moq-token writes keys (`alg`, `kid`, `key_ops`). */
export async function generateKey(alg: GeneratedAlgorithm, kid?: string): Promise<GeneratedKey> {
  const id = kid === undefined ? {} : { kid };
  if (alg === 'HS256') {
    const secret = await generateSecret('HS256', { extractable: true });
    const jwk = { ...(await exportJWK(secret)), alg, ...id, key_ops: ['sign', 'verify'] };
    return { privateJwk: jwk, publicJwk: jwk };
  }
  const options = alg === 'EdDSA' ? { extractable: true, crv: 'Ed25519' } : { extractable: true };
  const pair = await generateKeyPair(alg, options);
  const privateJwk = { ...(await exportJWK(pair.privateKey)), alg, ...id, key_ops: ['sign'] };
  return { privateJwk, publicJwk: publicHalf(privateJwk) };
}

export interface SignOptions {
  /** Lifetime from now; without it the token never expires (moq-dev allows that too). */
  expiresInS?: number;
  /** The signing time (tests); default now. */
  nowMs?: number;
}

/** Signs claims with a private JWK: header `alg` (the key's) and `kid`, `iat` now, `exp`. */
export async function signToken(
  jwk: RelayJwk,
  claims: ClaimsInit,
  options: SignOptions = {},
): Promise<string> {
  const alg: KeyAlgorithm = algorithmOf(jwk);
  const key = await importKey(jwk, alg);
  const nowS = Math.floor((options.nowMs ?? Date.now()) / 1000);
  const payload = { ...claims } as Record<string, unknown>;
  // As moq-token writes them: claims that grant nothing are left out.
  for (const [name, value] of Object.entries(payload)) {
    const empty = value === '' || value === false || (Array.isArray(value) && value.length === 0);
    if (empty && name !== 'put' && name !== 'get') delete payload[name];
    if (Array.isArray(value) && value.length === 0) delete payload[name];
  }
  const jwt = new SignJWT(payload)
    .setProtectedHeader({ alg, typ: 'JWT', ...(jwk.kid ? { kid: jwk.kid } : {}) })
    .setIssuedAt(claims.iat ?? nowS);
  if (options.expiresInS !== undefined) jwt.setExpirationTime(nowS + options.expiresInS);
  return jwt.sign(key);
}

/** A relay-to-relay token: `cluster: true`, everything published and subscribed. */
export function signClusterToken(jwk: RelayJwk, options: SignOptions = {}): Promise<string> {
  return signToken(jwk, { root: '', put: [''], get: [''], cluster: true }, options);
}
