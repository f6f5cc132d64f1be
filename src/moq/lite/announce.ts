import type { Reader } from '../../coding/index.js';
import { LiteError } from './lite-error.js';
import { namespaceOfPath, pathOfNamespace } from './lite-path.js';
import { decodeWhole } from './lite-reader.js';
import { sizePrefixed } from './message-frame.js';
import { hasExcludeHop, hasHopIds, type LiteVersion } from './version.js';

const STATUS_ENDED = 0;
const STATUS_ACTIVE = 1;
const STATUS_RESTART = 2;
const MAX_HOPS = 32;

/** ANNOUNCE_REQUEST (announce stream, first message): "tell me what is under `prefix`". */
export interface AnnounceRequest {
  prefix: string;
}

export function encodeAnnounceRequest(msg: AnnounceRequest, version: LiteVersion): Uint8Array {
  return sizePrefixed((w) => {
    w.utf8String(msg.prefix);
    // We never relay an announcement back to where it came from, so we exclude no hop.
    if (hasExcludeHop(version)) w.varint(0);
  });
}

export function decodeAnnounceRequest(r: Reader, version: LiteVersion): AnnounceRequest {
  return decodeWhole(r, 'ANNOUNCE_REQUEST', () => {
    const prefix = normalize(r.utf8String());
    if (hasExcludeHop(version)) r.varintBig();
    return { prefix };
  });
}

/**
 * This process's origin id for ANNOUNCE_OK: moq-lite peers stamp it onto the announcements'
 * hop chains and refuse 0 (`@moq/net`: "announce ok origin must be non-zero"). Random per
 * process, below 2^48 so every reader takes it as a plain number.
 */
export const LOCAL_ORIGIN_ID = 1 + Math.floor(Math.random() * (2 ** 48 - 1));

/** ANNOUNCE_OK (lite-05): the responder's origin id and how many announcements follow at once. */
export function encodeAnnounceOk(active: number): Uint8Array {
  return sizePrefixed((w) => w.varint(LOCAL_ORIGIN_ID).varint(active));
}

export function decodeAnnounceOk(r: Reader): { active: number } {
  return decodeWhole(r, 'ANNOUNCE_OK', () => {
    r.varintBig();
    return { active: r.varint() };
  });
}

/** ANNOUNCE: a broadcast below the prefix became active or ended (path relative to the prefix). */
export interface Announce {
  active: boolean;
  suffix: string;
}

/** The same bytes in every version: with no hops, lite-03's count and lite-04's list agree. */
export function encodeAnnounce(msg: Announce): Uint8Array {
  return sizePrefixed((w) => {
    w.u8(msg.active ? STATUS_ACTIVE : STATUS_ENDED);
    w.utf8String(msg.suffix);
    // No hops: the relay reports no origin of its own (see encodeAnnounceOk).
    w.varint(0);
  });
}

export function decodeAnnounce(r: Reader, version: LiteVersion): Announce {
  return decodeWhole(r, 'ANNOUNCE', () => {
    const status = r.u8();
    if (status !== STATUS_ACTIVE && status !== STATUS_ENDED && status !== STATUS_RESTART) {
      throw new LiteError('MALFORMED', `announce status ${status}`);
    }
    const suffix = normalize(r.utf8String());
    const hops = r.varint();
    if (hops > MAX_HOPS) throw new LiteError('MALFORMED', `${hops} hops (max ${MAX_HOPS})`);
    if (hasHopIds(version)) for (let i = 0; i < hops; i++) r.varintBig();
    return { active: status !== STATUS_ENDED, suffix };
  });
}

function normalize(path: string): string {
  return pathOfNamespace(namespaceOfPath(path));
}
