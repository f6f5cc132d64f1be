import { type Box, concatBytes, isPrintableType, readBoxHeader } from './box-reader.js';
import type { CmafChunk, Fmp4Part, InitSegment, TrackInfo } from './cmaf-types.js';
import { Fmp4Error } from './fmp4-error.js';
import { summarizeFragment } from './fragment-parser.js';
import { parseInit } from './init-parser.js';

/** The largest box we hold in memory; bigger ones mean a broken or hostile stream. */
export const DEFAULT_MAX_BOX_BYTES = 64 * 1024 * 1024;

/** Top-level boxes that carry nothing a live CMAF track needs (§8.16.2 styp, §8.16.3 sidx, …). */
const IGNORED = new Set(['styp', 'sidx', 'ssix', 'free', 'skip', 'emsg', 'mfra', 'uuid', 'meta']);

export interface Fmp4SplitterOptions {
  maxBoxBytes?: number;
}

/**
 * Splits a single-track fMP4 byte stream, chunked any way, into its init segment (ftyp + moov)
 * and its CMAF chunks (prft? + moof + mdat, byte for byte). Push bytes as they come; each push
 * returns the parts it completed. A new ftyp/moov mid-stream (an encoder restart) is a new init.
 */
export class Fmp4Splitter {
  readonly #maxBoxBytes: number;
  #buffer = new Uint8Array(64 * 1024);
  #start = 0;
  #end = 0;
  /** Bytes of an ignored box still to drop without buffering. */
  #skip = 0;
  #ftyp: Uint8Array | undefined;
  #track: TrackInfo | undefined;
  /** prft and moof waiting for their mdat. */
  #pending: Uint8Array[] = [];
  #pendingHasMoof = false;
  #ended = false;

  constructor(options: Fmp4SplitterOptions = {}) {
    this.#maxBoxBytes = options.maxBoxBytes ?? DEFAULT_MAX_BOX_BYTES;
  }

  /** The track of the latest init segment. */
  get track(): TrackInfo | undefined {
    return this.#track;
  }

  push(bytes: Uint8Array): Fmp4Part[] {
    if (this.#ended) throw new Fmp4Error('MALFORMED', 'bytes pushed after end()');
    const parts: Fmp4Part[] = [];
    let input = bytes;
    while (input.length > 0) {
      if (this.#skip > 0) {
        const dropped = Math.min(this.#skip, input.length);
        this.#skip -= dropped;
        input = input.subarray(dropped);
        continue;
      }
      this.#append(input);
      input = new Uint8Array(0);
      for (let box = this.#nextBox(); box; box = this.#nextBox()) {
        const part = this.#take(box);
        if (part) parts.push(part);
      }
    }
    return parts;
  }

  /** The stream ended: anything half-read is an error, as is a stream that never had an init. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#end > this.#start || this.#skip > 0 || this.#pending.length > 0) {
      throw new Fmp4Error('TRUNCATED', 'stream ended inside a box or before a moof got its mdat');
    }
    if (!this.#track) throw new Fmp4Error('NO_INIT', 'stream ended without an init segment');
  }

  #append(bytes: Uint8Array): void {
    const length = this.#end - this.#start;
    if (this.#end + bytes.length > this.#buffer.length) {
      const needed = length + bytes.length;
      const next =
        needed > this.#buffer.length
          ? new Uint8Array(Math.max(needed, this.#buffer.length * 2))
          : this.#buffer;
      next.set(this.#buffer.subarray(this.#start, this.#end), 0);
      this.#buffer = next;
      this.#start = 0;
      this.#end = length;
    }
    this.#buffer.set(bytes, this.#end);
    this.#end += bytes.length;
  }

  /** The next complete box in the buffer (or a box to skip), validated against the limits. */
  #nextBox(): Box | undefined {
    const header = readBoxHeader(this.#buffer, this.#start, this.#end);
    if (!header) return undefined;
    if (isSizeZero(this.#buffer, header.start)) {
      throw new Fmp4Error(
        'UNSUPPORTED',
        `${header.type} box "to end of file" (size 0) in a stream`,
      );
    }
    if (!isPrintableType(header.type)) {
      throw new Fmp4Error(
        'MALFORMED',
        `not a box at stream offset (type bytes ${JSON.stringify(header.type)})`,
      );
    }
    if (IGNORED.has(header.type) && header.end > this.#end) {
      // Dropped as its bytes come, never buffered: no size limit needed.
      this.#skip = header.end - this.#end;
      this.#start = this.#end;
      return undefined;
    }
    const size = header.end - header.start;
    if (size > this.#maxBoxBytes && !IGNORED.has(header.type)) {
      throw new Fmp4Error(
        'TOO_LARGE',
        `${header.type} box of ${size} bytes exceeds ${this.#maxBoxBytes}`,
      );
    }
    return header.end <= this.#end ? header : undefined;
  }

  /** Consumes a complete box; returns the part it completes, if any. */
  #take(box: Box): Fmp4Part | undefined {
    const bytes = this.#buffer.slice(box.start, box.end);
    this.#start = box.end;
    if (this.#start === this.#end) this.#start = this.#end = 0;
    switch (box.type) {
      case 'ftyp':
        this.#ftyp = bytes;
        return undefined;
      case 'moov':
        return this.#init(bytes);
      case 'prft':
        if (this.#pendingHasMoof) throw new Fmp4Error('MALFORMED', 'prft between moof and mdat');
        this.#pending = [bytes]; // a lone earlier prft is superseded
        return undefined;
      case 'moof':
        return this.#moof(bytes);
      case 'mdat':
        return this.#chunk(bytes);
      default:
        return undefined; // styp, sidx, free, unknown but well-formed boxes: not ours to carry
    }
  }

  #init(moov: Uint8Array): InitSegment {
    if (this.#pendingHasMoof) throw new Fmp4Error('MALFORMED', 'moov between moof and mdat');
    const bytes = this.#ftyp ? concatBytes([this.#ftyp, moov]) : moov;
    this.#ftyp = undefined;
    this.#pending = [];
    const track = parseInit(bytes);
    this.#track = track;
    return { kind: 'init', bytes, track };
  }

  #moof(moof: Uint8Array): undefined {
    if (!this.#track) throw new Fmp4Error('NO_INIT', 'moof before any init segment');
    if (this.#pendingHasMoof) throw new Fmp4Error('MALFORMED', 'two moofs without an mdat');
    this.#pending.push(moof);
    this.#pendingHasMoof = true;
    return undefined;
  }

  #chunk(mdat: Uint8Array): CmafChunk {
    const track = this.#track;
    if (!track || !this.#pendingHasMoof) {
      throw new Fmp4Error(track ? 'MALFORMED' : 'NO_INIT', 'mdat without a moof');
    }
    const bytes = concatBytes([...this.#pending, mdat]);
    this.#pending = [];
    this.#pendingHasMoof = false;
    const summary = summarizeFragment(bytes, track.sampleDefaults);
    if (summary.trackId !== track.trackId) {
      throw new Fmp4Error(
        'MULTI_TRACK',
        `fragment of track ${summary.trackId}, init has ${track.trackId}`,
      );
    }
    const chunk: CmafChunk = {
      kind: 'chunk',
      bytes,
      keyframe: summary.keyframe,
      baseDecodeTime: summary.baseDecodeTime,
      durationTicks: summary.durationTicks,
    };
    if (summary.producerTimeMs !== undefined) chunk.producerTimeMs = summary.producerTimeMs;
    return chunk;
  }
}

function isSizeZero(bytes: Uint8Array, at: number): boolean {
  return bytes[at] === 0 && bytes[at + 1] === 0 && bytes[at + 2] === 0 && bytes[at + 3] === 0;
}
