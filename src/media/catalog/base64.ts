import { CatalogError } from './catalog-error.js';

/** Bytes handed to btoa per call, to keep the argument list of fromCharCode small. */
const CHUNK = 0x8000;

/** Standard base64 (RFC 4648 §4), as CMSF's initData uses; btoa exists in browsers and Node. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let at = 0; at < bytes.length; at += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(at, at + CHUNK));
  }
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new CatalogError('MALFORMED', 'initData is not base64');
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
