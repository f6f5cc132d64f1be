import { readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { broadcastParts, chatPrefix } from '../chat/index.js';
import { Authorizer, KeySet, generateKey, signToken, type RelayJwk } from '../relay/index.js';

/**
 * Who may publish on the studio's embedded relay: anyone on this machine when it listens on
 * loopback only; only the studio itself (with its own token) when it listens beyond it, while
 * viewers may still watch and chat.
 */
export type RelayAccess = 'loopback' | 'publish-protected';

/** The studio's relay key, kept owner-only in the settings folder. */
export const RELAY_KEY_FILE = 'relay-key.jwk';
/** The studio's own publish token lives this long; a new one is signed at each connect. */
const PUBLISH_TOKEN_S = 24 * 3600;

export function relayAccessFor(host: string): RelayAccess {
  return isLoopback(host) ? 'loopback' : 'publish-protected';
}

function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** The embedded relay's access policy and the studio's own publish token. */
export class StudioRelayAuth {
  private constructor(
    readonly authorizer: Authorizer,
    private readonly key: RelayJwk,
  ) {}

  /** Loads the key from `dataDir`, or makes one (0600) the first time. */
  static async open(dataDir: string): Promise<StudioRelayAuth> {
    const key = await loadOrCreateKey(join(dataDir, RELAY_KEY_FILE));
    const authorizer = new Authorizer({
      keys: await KeySet.fromJwks([key]),
      publicSubscribe: [''],
    });
    return new StudioRelayAuth(authorizer, key);
  }

  /** `url` with a fresh token that may publish and subscribe everything (the studio's own). */
  async publishUrl(url: string): Promise<string> {
    const token = await signToken(this.key, { put: '', get: '' }, { expiresInS: PUBLISH_TOKEN_S });
    const withToken = new URL(url);
    withToken.searchParams.set('jwt', token);
    return withToken.href;
  }

  /** Viewers publish their chat under `<broadcast>/chat/`: let anyone do that, nothing else. */
  allowViewerChat(broadcastName: string): void {
    this.authorizer.allowPublicPublish(chatPrefix(broadcastParts(broadcastName)).join('/'));
  }
}

async function loadOrCreateKey(path: string): Promise<RelayJwk> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as RelayJwk;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateJwk } = await generateKey('HS256', 'studio');
  await writeFile(path, `${JSON.stringify(privateJwk)}\n`, { mode: 0o600 });
  return privateJwk;
}
