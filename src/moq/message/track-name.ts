import { type Reader, type Writer, decodeUtf8 } from '../../coding/index.js';
import { MoqError } from '../error/index.js';

/** §Track Naming: a namespace tuple has 1..32 fields. */
export const MAX_NAMESPACE_FIELDS = 32;
/** §Track Naming: namespace fields plus track name, in bytes. */
export const MAX_FULL_TRACK_NAME_BYTES = 4096;

/** A track namespace: a tuple of fields, each UTF-8 text in this project. */
export type TrackNamespace = readonly string[];

const utf8 = new TextEncoder();

/** Writes a namespace tuple (also used for namespace prefixes, which have the same limits). */
export function writeTrackNamespace(w: Writer, namespace: TrackNamespace): void {
  writeTuple(w, encodeNamespace(namespace), 0);
}

export function readTrackNamespace(r: Reader): string[] {
  return readNamespaceFields(r).fields;
}

/**
 * A namespace prefix (SUBSCRIBE_NAMESPACE and its cancel). The empty prefix ("everything") is
 * accepted although draft-14 asks for at least one field: @moq/lite sends it for discovery of
 * every broadcast, and refusing it would close the whole session for a harmless request.
 */
export function writeNamespacePrefix(w: Writer, prefix: TrackNamespace): void {
  checkFieldCount(prefix.length, 0);
  writeTuple(
    w,
    prefix.map((field) => utf8.encode(field)),
    0,
  );
}

export function readNamespacePrefix(r: Reader): string[] {
  return readNamespaceFields(r, 0).fields;
}

/** Namespace tuple, then the track name; their total is bounded by 4096 bytes. */
export function writeFullTrackName(w: Writer, namespace: TrackNamespace, name: string): void {
  const nameBytes = utf8.encode(name);
  writeTuple(w, encodeNamespace(namespace), nameBytes.length);
  w.lengthPrefixedBytes(nameBytes);
}

export function readFullTrackName(r: Reader): { trackNamespace: string[]; trackName: string } {
  const { fields, sizeBytes } = readNamespaceFields(r);
  const nameLength = r.varint();
  checkTotal(sizeBytes + nameLength);
  return { trackNamespace: fields, trackName: decodeUtf8(r.bytes(nameLength)) };
}

function encodeNamespace(namespace: TrackNamespace): Uint8Array[] {
  checkFieldCount(namespace.length);
  return namespace.map((field) => utf8.encode(field));
}

function writeTuple(w: Writer, fields: Uint8Array[], extraBytes: number): void {
  checkTotal(fields.reduce((sum, f) => sum + f.length, extraBytes));
  w.varint(fields.length);
  for (const field of fields) w.lengthPrefixedBytes(field);
}

function readNamespaceFields(r: Reader, minFields = 1): { fields: string[]; sizeBytes: number } {
  const count = r.varint();
  checkFieldCount(count, minFields);
  const fields: string[] = [];
  let sizeBytes = 0;
  for (let i = 0; i < count; i++) {
    const length = r.varint();
    sizeBytes += length;
    // Check before slicing so an oversized length is reported as such, not as truncation.
    checkTotal(sizeBytes);
    fields.push(decodeUtf8(r.bytes(length)));
  }
  return { fields, sizeBytes };
}

function checkFieldCount(count: number, minFields = 1): void {
  if (count >= minFields && count <= MAX_NAMESPACE_FIELDS) return;
  throw MoqError.protocolViolation(
    `track namespace has ${count} fields (${minFields}..${MAX_NAMESPACE_FIELDS} allowed)`,
  );
}

function checkTotal(sizeBytes: number): void {
  if (sizeBytes <= MAX_FULL_TRACK_NAME_BYTES) return;
  throw MoqError.protocolViolation(`full track name of ${sizeBytes} bytes exceeds 4096`);
}
