import { readFile } from 'node:fs/promises';
import { base64url } from 'jose';
import { AuthError } from './auth-error.js';
import { algorithmOf, importKey, publicHalf, type KeyAlgorithm, type RelayJwk } from './jwk.js';

/** One verification key: its id (if any), its algorithm and the imported public material. */
export interface VerifyKey {
  kid: string | undefined;
  alg: KeyAlgorithm;
  key: Awaited<ReturnType<typeof importKey>>;
}

/**
 * The keys a relay verifies tokens with. Several keys rotate: a token's `kid` picks one. A token
 * without a `kid` (moq-dev's single-key mode) is accepted only when the set has one key.
 */
export class KeySet {
  readonly #keys: VerifyKey[];

  private constructor(keys: VerifyKey[]) {
    this.#keys = keys;
  }

  /** From JWKs in memory (a private asymmetric key is reduced to its public half). */
  static async fromJwks(jwks: readonly RelayJwk[]): Promise<KeySet> {
    const keys: VerifyKey[] = [];
    for (const jwk of jwks) {
      const alg = algorithmOf(jwk);
      const ops = jwk.key_ops;
      if (Array.isArray(ops) && !ops.includes('verify') && !ops.includes('sign')) {
        throw new AuthError('BAD_KEY', `key ${jwk.kid ?? '(no kid)'} may neither sign nor verify`);
      }
      keys.push({ kid: jwk.kid, alg, key: await importKey(publicHalf(jwk), alg) });
    }
    const kids = keys.map((k) => k.kid).filter((kid) => kid !== undefined);
    const duplicate = kids.find((kid, i) => kids.indexOf(kid) !== i);
    if (duplicate !== undefined) throw new AuthError('BAD_KEY', `two keys have kid ${duplicate}`);
    if (keys.length > 1 && keys.some((k) => k.kid === undefined)) {
      throw new AuthError('BAD_KEY', 'with several keys, every key needs a kid');
    }
    return new KeySet(keys);
  }

  /** From files: each a JWK, or a JWK set (`{"keys": [...]}`), as JSON or base64url JSON. */
  static async load(paths: readonly string[]): Promise<KeySet> {
    const jwks: RelayJwk[] = [];
    for (const path of paths) jwks.push(...(await readKeyFile(path)));
    try {
      return await KeySet.fromJwks(jwks);
    } catch (error) {
      if (error instanceof AuthError) {
        throw new AuthError('BAD_KEY', `${paths.join(', ')}: ${error.message}`, { cause: error });
      }
      throw error;
    }
  }

  get size(): number {
    return this.#keys.length;
  }

  /** The key a token's header names; UNKNOWN_KEY when none fits. */
  find(kid: string | undefined): VerifyKey {
    const only = this.#keys.length === 1 ? this.#keys[0] : undefined;
    if (kid === undefined) {
      if (only) return only;
      throw new AuthError('UNKNOWN_KEY', 'the token has no kid and the relay has several keys');
    }
    const found = this.#keys.find((k) => k.kid === kid);
    if (found) return found;
    // A lone key without an id verifies whatever kid the token names (moq-dev's --auth-key).
    if (only && only.kid === undefined) return only;
    throw new AuthError('UNKNOWN_KEY', `no key with kid '${kid}'`);
  }
}

/** The JWKs in one key file. */
export async function readKeyFile(path: string): Promise<RelayJwk[]> {
  let text: string;
  try {
    text = (await readFile(path, 'utf8')).trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new AuthError('BAD_KEY', `${path}: cannot read it (${code})`, { cause: error });
  }
  const parsed = parseKeyText(text);
  if (parsed === undefined) throw new AuthError('BAD_KEY', `${path}: not a JWK (JSON) file`);
  const list = Array.isArray((parsed as { keys?: unknown }).keys)
    ? (parsed as { keys: unknown[] }).keys
    : [parsed];
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null) {
      throw new AuthError('BAD_KEY', `${path}: a key is not a JSON object`);
    }
  }
  return list as RelayJwk[];
}

/** JSON, or moq-dev's older base64url-encoded JSON. */
function parseKeyText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Not JSON: maybe base64url.
  }
  try {
    return JSON.parse(new TextDecoder().decode(base64url.decode(text))) as unknown;
  } catch {
    return undefined;
  }
}
