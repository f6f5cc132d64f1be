import { ByteQueue, CodingError, Reader, type VarintEncoding } from '../../coding/index.js';
import { DataStreamResetCode, MoqError } from '../error/index.js';
import type { KeyValuePair } from '../message/index.js';
import { decodeExtensionHeaders } from './extension-headers.js';
import { ObjectStatus, checkObjectShape, readObjectStatus } from './object-status.js';
import { peekDataStreamType } from './stream-type.js';
import {
  type SubgroupHeader,
  type SubgroupHeaderFlags,
  readSubgroupHeader,
  subgroupHeaderFlags,
} from './subgroup-header.js';

/** Default cap on one object's payload (and on its extension block). */
export const DEFAULT_MAX_OBJECT_BYTES = 16 * 1024 * 1024;

/** The subgroup header of a stream, with its type bits spelled out. */
export interface SubgroupHeaderEvent extends SubgroupHeader, SubgroupHeaderFlags {
  readonly kind: 'subgroup_header';
}

export interface FetchHeaderEvent {
  readonly kind: 'fetch_header';
  readonly requestId: number;
}

/** An object from either kind of stream, with ids resolved. */
export interface ObjectEvent {
  readonly kind: 'object';
  readonly groupId: number;
  readonly subgroupId: number;
  readonly objectId: number;
  readonly publisherPriority: number;
  readonly extensions: readonly KeyValuePair[];
  readonly status: ObjectStatus;
  /** A view of the pushed chunk when the payload lies in one chunk, else one exact copy. */
  readonly payload: Uint8Array;
}

export type DataStreamEvent = SubgroupHeaderEvent | FetchHeaderEvent | ObjectEvent;

export interface DataStreamDecoderOptions {
  readonly maxObjectBytes?: number;
  /** Draft-18 streams use its vi64 integers; earlier drafts QUIC's. */
  readonly encoding?: VarintEncoding;
}

type ObjectHead = Omit<ObjectEvent, 'kind' | 'payload'> & { readonly payloadBytes: number };

interface SubgroupState {
  readonly kind: 'subgroup';
  readonly header: SubgroupHeaderEvent;
  previousObjectId: number | undefined;
  subgroupId: number | undefined;
  /** An End of Group / End of Track object was seen: nothing may follow (§Closing Subgroup Streams). */
  closed: boolean;
}

// Upper bounds on header sizes, so peeks never copy more than a header.
const MAX_STREAM_HEADER_BYTES = 1 + 8 * 4 + 1;
const MAX_OBJECT_PREFIX_BYTES = 8 * 4 + 1 + 8;
const MAX_OBJECT_SUFFIX_BYTES = 16;

/**
 * Incremental decoder for one unidirectional data stream (subgroup or fetch). Call `next()`
 * until it returns undefined after every `push()`, and `end()` at FIN. The decoder holds at
 * most one object (≤ maxObjectBytes plus its header); an object over the cap is a
 * stream-scope MoqError, so the caller can reset just this stream.
 */
export class DataStreamDecoder {
  readonly #queue = new ByteQueue();
  readonly #maxObjectBytes: number;
  readonly #encoding: VarintEncoding;
  #stream: SubgroupState | { readonly kind: 'fetch' } | undefined;
  #pending: ObjectHead | undefined;
  #failure: MoqError | undefined;

  constructor(options: DataStreamDecoderOptions = {}) {
    this.#maxObjectBytes = options.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES;
    this.#encoding = options.encoding ?? 'quic';
  }

  get bufferedBytes(): number {
    return this.#queue.length;
  }

  /** Drained, yet inside a stream header, an object header or an object's payload. */
  get midObject(): boolean {
    return this.#pending !== undefined || this.#queue.length > 0;
  }

  push(chunk: Uint8Array): void {
    this.#throwIfFailed();
    if (this.#queue.length > this.#maxObjectBytes + MAX_OBJECT_PREFIX_BYTES * 2) {
      this.#fail(new MoqError(DataStreamResetCode.INTERNAL_ERROR, 'input not drained', 'stream'));
    }
    this.#queue.push(chunk);
  }

  next(): DataStreamEvent | undefined {
    this.#throwIfFailed();
    try {
      return this.#next();
    } catch (e) {
      this.#fail(MoqError.fromDecode(e));
    }
  }

  /** The stream ended with FIN: anything but a clean object boundary is malformed (§Streams). */
  end(): void {
    this.#throwIfFailed();
    if (!this.#stream)
      this.#fail(MoqError.protocolViolation('data stream ended before its header'));
    if (this.#pending || this.#queue.length > 0) {
      this.#fail(MoqError.protocolViolation('data stream ended inside an object'));
    }
  }

  #next(): DataStreamEvent | undefined {
    if (!this.#stream) return this.#readStreamHeader();
    if (!this.#pending) {
      if (this.#queue.length === 0) return undefined;
      this.#pending = this.#readObjectHead();
      if (!this.#pending) return undefined;
    }
    return this.#readPayload(this.#pending);
  }

  #readStreamHeader(): DataStreamEvent | undefined {
    const type = peekDataStreamType(this.#queue.peek(9), this.#encoding);
    if (!type) return undefined;
    if (type.kind === 'fetch') {
      const parsed = this.#tryParse(MAX_STREAM_HEADER_BYTES, (r) => {
        r.varint();
        return r.varint();
      });
      if (parsed === undefined) return undefined;
      this.#stream = { kind: 'fetch' };
      return { kind: 'fetch_header', requestId: parsed };
    }
    const header = this.#tryParse(MAX_STREAM_HEADER_BYTES, readSubgroupHeader);
    if (!header) return undefined;
    const event: SubgroupHeaderEvent = {
      kind: 'subgroup_header',
      ...header,
      ...subgroupHeaderFlags(header.type),
    };
    this.#stream = {
      kind: 'subgroup',
      header: event,
      previousObjectId: undefined,
      subgroupId: header.subgroupId,
      closed: false,
    };
    return event;
  }

  #readObjectHead(): ObjectHead | undefined {
    const stream = this.#stream;
    if (stream?.kind === 'subgroup') return this.#readSubgroupObjectHead(stream);
    return this.#readFetchObjectHead();
  }

  #readSubgroupObjectHead(stream: SubgroupState): ObjectHead | undefined {
    if (stream.closed) {
      throw MoqError.protocolViolation('object after End of Group / End of Track on subgroup');
    }
    const { extensionsPresent, publisherPriority, groupId } = stream.header;
    const extensionBytes = extensionsPresent ? this.#peekExtensionLength((r) => r.varint()) : 0;
    if (extensionBytes === undefined) return undefined;
    const fields = this.#tryParse(MAX_OBJECT_PREFIX_BYTES + extensionBytes, (r) => {
      const delta = r.varint();
      const extensions = extensionsPresent ? readExtensionBlock(r) : [];
      return { delta, extensions, ...readPayloadHead(r) };
    });
    if (!fields) return undefined;
    const objectId = resolveObjectId(stream.previousObjectId, fields.delta);
    stream.previousObjectId = objectId;
    stream.subgroupId ??= objectId;
    if (fields.status === ObjectStatus.EndOfGroup || fields.status === ObjectStatus.EndOfTrack) {
      stream.closed = true;
    }
    const { extensions, status, payloadBytes } = fields;
    checkObjectShape(status, payloadBytes, extensions);
    this.#checkSize(payloadBytes);
    const subgroupId = stream.subgroupId;
    return { groupId, subgroupId, objectId, publisherPriority, extensions, status, payloadBytes };
  }

  #readFetchObjectHead(): ObjectHead | undefined {
    const extensionBytes = this.#peekExtensionLength((r) => {
      r.varint();
      r.varint();
      r.varint();
      r.u8();
    });
    if (extensionBytes === undefined) return undefined;
    const head = this.#tryParse(MAX_OBJECT_PREFIX_BYTES + extensionBytes, (r) => {
      const groupId = r.varint();
      const subgroupId = r.varint();
      const objectId = r.varint();
      const publisherPriority = r.u8();
      const extensions = readExtensionBlock(r);
      return {
        groupId,
        subgroupId,
        objectId,
        publisherPriority,
        extensions,
        ...readPayloadHead(r),
      };
    });
    if (!head) return undefined;
    checkObjectShape(head.status, head.payloadBytes, head.extensions);
    this.#checkSize(head.payloadBytes);
    return head;
  }

  /**
   * Reads the Extension Headers Length after `skipBefore`, and returns it only once the whole
   * extension block has arrived, so that the full parse copies the block at most once.
   */
  #peekExtensionLength(skipBefore: (r: Reader) => void): number | undefined {
    const at = this.#tryParse(
      MAX_OBJECT_PREFIX_BYTES,
      (r) => {
        skipBefore(r);
        const length = r.varint();
        return { length, end: r.offset + length };
      },
      false,
    );
    if (!at) return undefined;
    this.#checkSize(at.length);
    return this.#queue.length < at.end ? undefined : at.length;
  }

  #readPayload(head: ObjectHead): ObjectEvent | undefined {
    if (this.#queue.length < head.payloadBytes) return undefined;
    this.#pending = undefined;
    const { payloadBytes, ...fields } = head;
    return { kind: 'object', ...fields, payload: this.#queue.take(payloadBytes) };
  }

  /**
   * Parses from a peek of at most `maxBytes` (plus a suffix allowance) and, if `consume`,
   * drops what was read; undefined if the bytes so far end inside the structure.
   */
  #tryParse<T>(maxBytes: number, parse: (r: Reader) => T, consume = true): T | undefined {
    const head = this.#queue.peek(maxBytes + MAX_OBJECT_SUFFIX_BYTES);
    const r = new Reader(head, this.#encoding);
    try {
      const value = parse(r);
      if (consume) this.#queue.skip(r.offset);
      return value;
    } catch (e) {
      if (!(e instanceof CodingError) || e.code !== 'SHORT_BUFFER') throw e;
      if (head.length === this.#queue.length) return undefined;
      throw MoqError.protocolViolation('object header longer than possible');
    }
  }

  #checkSize(bytes: number): void {
    if (bytes <= this.#maxObjectBytes) return;
    throw new MoqError(
      DataStreamResetCode.INTERNAL_ERROR,
      `object of ${bytes} bytes exceeds the ${this.#maxObjectBytes}-byte limit`,
      'stream',
    );
  }

  #throwIfFailed(): void {
    if (this.#failure) throw this.#failure;
  }

  #fail(error: MoqError): never {
    this.#failure = error;
    throw error;
  }
}

function readExtensionBlock(r: Reader): KeyValuePair[] {
  return decodeExtensionHeaders(r.lengthPrefixedBytes(), r.encoding);
}

/** Object Payload Length, then Object Status only when the length is zero. */
function readPayloadHead(r: Reader): { payloadBytes: number; status: ObjectStatus } {
  const payloadBytes = r.varint();
  const status = payloadBytes === 0 ? readObjectStatus(r) : ObjectStatus.Normal;
  return { payloadBytes, status };
}

function resolveObjectId(previous: number | undefined, delta: number): number {
  if (previous === undefined) return delta;
  const objectId = previous + delta + 1;
  if (!Number.isSafeInteger(objectId)) throw MoqError.protocolViolation('object id overflow');
  return objectId;
}
