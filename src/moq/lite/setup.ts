import type { Reader } from '../../coding/index.js';
import { LiteError } from './lite-error.js';
import { decodeWhole } from './lite-reader.js';
import { sizePrefixed } from './message-frame.js';

const MAX_PARAMETERS = 64;

/**
 * SETUP (lite-05, its own uni stream): each side's capabilities as parameters. The relay sends
 * none (no probing, no path, no role) and reads the peer's only to check it is well formed.
 */
export function encodeSetup(): Uint8Array {
  return sizePrefixed((w) => w.varint(0));
}

export function decodeSetup(r: Reader): number {
  return decodeWhole(r, 'SETUP', () => {
    const count = r.varint();
    if (count > MAX_PARAMETERS) throw new LiteError('MALFORMED', `${count} SETUP parameters`);
    const seen = new Set<bigint>();
    for (let i = 0; i < count; i++) {
      const id = r.varintBig();
      if (seen.has(id)) throw new LiteError('MALFORMED', `SETUP parameter ${id} twice`);
      seen.add(id);
      r.lengthPrefixedBytes();
    }
    return count;
  });
}
