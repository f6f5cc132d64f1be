import type { Reader, Writer } from '../../coding/index.js';
import { MoqError } from '../error/index.js';
import {
  type KeyEncoding,
  type KeyValuePair,
  checkKeyValuePair,
  readKeyValueList,
  writeKeyValueList,
} from './key-value-pair.js';

/**
 * Shared body of message and setup parameters: an ordered list of key-value pairs where the
 * known, non-repeatable types may appear at most once (§Parameters: duplicates are a
 * PROTOCOL_VIOLATION; unknown types may repeat and are kept as they came).
 */
export abstract class KeyValueList {
  readonly entries: readonly KeyValuePair[];

  protected constructor(entries: readonly KeyValuePair[], singletons: ReadonlySet<number>) {
    const seen = new Set<number>();
    for (const pair of entries) {
      checkKeyValuePair(pair);
      if (!singletons.has(pair.type)) continue;
      if (seen.has(pair.type)) throw MoqError.protocolViolation(`duplicate parameter ${pair.type}`);
      seen.add(pair.type);
    }
    this.entries = entries;
  }

  get size(): number {
    return this.entries.length;
  }

  encode(w: Writer, keys: KeyEncoding = 'absolute'): void {
    writeKeyValueList(w, this.entries, keys);
  }

  protected static readEntries(r: Reader, keys: KeyEncoding = 'absolute'): KeyValuePair[] {
    return readKeyValueList(r, keys);
  }

  protected varintOf(type: number): number | undefined {
    const value = this.entries.find((p) => p.type === type)?.value;
    return typeof value === 'number' ? value : undefined;
  }

  protected bytesOf(type: number): Uint8Array | undefined {
    const value = this.entries.find((p) => p.type === type)?.value;
    return value instanceof Uint8Array ? value : undefined;
  }

  protected allBytesOf(type: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const pair of this.entries) {
      if (pair.type === type && pair.value instanceof Uint8Array) out.push(pair.value);
    }
    return out;
  }
}
