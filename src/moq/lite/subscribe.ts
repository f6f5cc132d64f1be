import type { Reader, Writer } from '../../coding/index.js';
import { LiteError } from './lite-error.js';
import { namespaceOfPath, pathOfNamespace } from './lite-path.js';
import { decodeWhole } from './lite-reader.js';
import { sizePrefixed, typed, writeBool, writeOptionalGroup } from './message-frame.js';
import { isLite05, type LiteVersion } from './version.js';

/** SUBSCRIBE (subscribe stream, first message). */
export interface Subscribe {
  id: number;
  broadcast: string;
  track: string;
  priority: number;
  ordered: boolean;
  maxLatencyMs: number;
  startGroup: number | undefined;
  endGroup: number | undefined;
}

/** SUBSCRIBE_UPDATE: later messages on the subscribe stream, from the subscriber. */
export type SubscribeUpdate = Omit<Subscribe, 'id' | 'broadcast' | 'track'>;

export function encodeSubscribe(msg: Subscribe): Uint8Array {
  return sizePrefixed((w) => {
    w.varint(msg.id).utf8String(msg.broadcast).utf8String(msg.track);
    writeSettings(w, msg);
  });
}

export function decodeSubscribe(r: Reader): Subscribe {
  return decodeWhole(r, 'SUBSCRIBE', () => {
    const id = r.varint();
    const broadcast = pathOfNamespace(namespaceOfPath(r.utf8String()));
    const track = r.utf8String();
    return { id, broadcast, track, ...readSettings(r) };
  });
}

export function decodeSubscribeUpdate(r: Reader): SubscribeUpdate {
  return decodeWhole(r, 'SUBSCRIBE_UPDATE', () => readSettings(r));
}

function writeSettings(w: Writer, msg: SubscribeUpdate): void {
  w.u8(msg.priority);
  writeBool(w, msg.ordered);
  w.varint(msg.maxLatencyMs);
  writeOptionalGroup(w, msg.startGroup);
  writeOptionalGroup(w, msg.endGroup);
}

function readSettings(r: Reader): SubscribeUpdate {
  const priority = r.u8();
  const ordered = readBool(r);
  const maxLatencyMs = r.varint();
  const start = r.varint();
  const end = r.varint();
  return {
    priority,
    ordered,
    maxLatencyMs,
    startGroup: start > 0 ? start - 1 : undefined,
    endGroup: end > 0 ? end - 1 : undefined,
  };
}

function readBool(r: Reader): boolean {
  const value = r.u8();
  if (value > 1) throw new LiteError('MALFORMED', `bool of ${value}`);
  return value === 1;
}

/**
 * The publisher's answers on a subscribe stream. lite-03/04: SUBSCRIBE_OK (0) then maybe
 * SUBSCRIBE_DROP (1). lite-05: SUBSCRIBE_START (0) once the first group is known, SUBSCRIBE_DROP
 * (2), SUBSCRIBE_END (1) when the track ends.
 */
export type SubscribeResponse =
  | { kind: 'ok' }
  | { kind: 'start'; group: number }
  | { kind: 'end'; group: number }
  | { kind: 'drop'; start: number; end: number; errorCode: number };

export function encodeSubscribeOk(settings: SubscribeUpdate): Uint8Array {
  return typed(0, (w) => writeSettings(w, settings));
}

export function encodeSubscribeStart(group: number): Uint8Array {
  return typed(0, (w) => w.varint(group));
}

/** `group` is exclusive: the first group that will never come. */
export function encodeSubscribeEnd(group: number): Uint8Array {
  return typed(1, (w) => w.varint(group));
}

/** Reads one response: its type varint first, then its size-prefixed body. */
export function readSubscribeResponse(
  type: number,
  message: Reader,
  version: LiteVersion,
): SubscribeResponse {
  const dropType = isLite05(version) ? 2 : 1;
  if (type === dropType) {
    return decodeWhole(message, 'SUBSCRIBE_DROP', (r) => ({
      kind: 'drop',
      start: r.varint(),
      end: r.varint(),
      errorCode: r.varint(),
    }));
  }
  if (type === 0 && !isLite05(version)) {
    decodeWhole(message, 'SUBSCRIBE_OK', readSettings);
    return { kind: 'ok' };
  }
  if (type === 0)
    return decodeWhole(message, 'SUBSCRIBE_START', (r) => ({ kind: 'start', group: r.varint() }));
  if (type === 1)
    return decodeWhole(message, 'SUBSCRIBE_END', (r) => ({ kind: 'end', group: r.varint() }));
  throw new LiteError('MALFORMED', `subscribe response type ${type}`);
}
