import { importJWK, type JWK } from 'jose';
import { AuthError } from './auth-error.js';

/** Algorithms a relay key may have; `none` is never one of them. */
export const KEY_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'ES256', 'ES384', 'EdDSA'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

/** A JWK as moq-token writes it: the key itself plus `alg`, `kid` and `key_ops`. */
export type RelayJwk = JWK & { alg?: string; kid?: string; key_ops?: string[] };

const PRIVATE_FIELDS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'] as const;

export function isKeyAlgorithm(alg: unknown): alg is KeyAlgorithm {
  return KEY_ALGORITHMS.includes(alg as KeyAlgorithm);
}

/** The key's algorithm: its `alg`, or the one its type implies (moq-dev keys always say it). */
export function algorithmOf(jwk: RelayJwk): KeyAlgorithm {
  const implied =
    jwk.kty === 'oct' || jwk.kty === undefined
      ? 'HS256'
      : jwk.kty === 'EC' && jwk.crv === 'P-256'
        ? 'ES256'
        : jwk.kty === 'EC' && jwk.crv === 'P-384'
          ? 'ES384'
          : jwk.kty === 'OKP' && jwk.crv === 'Ed25519'
            ? 'EdDSA'
            : undefined;
  const alg = jwk.alg ?? implied;
  if (!isKeyAlgorithm(alg)) {
    throw new AuthError(
      'BAD_KEY',
      `key algorithm ${String(alg)} is not one of ${KEY_ALGORITHMS.join(', ')}`,
    );
  }
  return alg;
}

export function isSymmetric(alg: KeyAlgorithm): boolean {
  return alg.startsWith('HS');
}

/** The public half of an asymmetric JWK (a symmetric one is returned as it is). */
export function publicHalf(jwk: RelayJwk): RelayJwk {
  if (isSymmetric(algorithmOf(jwk))) return jwk;
  const copy: Record<string, unknown> = { ...jwk };
  for (const field of PRIVATE_FIELDS) delete copy[field];
  if (Array.isArray(jwk.key_ops)) copy.key_ops = ['verify'];
  return copy;
}

/** Imports the key material only: `key_ops` and our own fields would upset WebCrypto's import. */
export async function importKey(
  jwk: RelayJwk,
  alg: KeyAlgorithm,
): Promise<Awaited<ReturnType<typeof importJWK>>> {
  const material: JWK = { ...jwk };
  delete material.key_ops;
  delete material.ext;
  delete (material as Record<string, unknown>).scope;
  if (material.kty === undefined) material.kty = 'oct';
  try {
    return await importJWK(material, alg);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new AuthError('BAD_KEY', `not a usable ${alg} key: ${why}`, { cause: error });
  }
}
