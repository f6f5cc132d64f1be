import type { Logger } from 'pino';
import { AuthError, Authorizer, KeySet } from '../relay/index.js';
import { CliError } from './cli-error.js';
import type { RelayConfig } from './relay-args.js';

/**
 * The relay's access policy from `--auth-key` and `--public`, read before anything binds: a bad
 * key file is one clear line and exit 2. No key: an open relay.
 */
export async function loadAuth(config: RelayConfig, log: Logger): Promise<Authorizer> {
  if (config.authKeyPaths.length === 0) return new Authorizer();
  let keys: KeySet;
  try {
    keys = await KeySet.load(config.authKeyPaths);
  } catch (error) {
    if (error instanceof AuthError) throw new CliError('CONFIG', `--auth-key ${error.message}`);
    throw error;
  }
  return new Authorizer({
    keys,
    publicPrefixes: config.publicPrefixes,
    onDenied: (denial) => log.info(denial, 'access denied'),
  });
}
