import { MoqError, SessionCloseCode } from '../error/index.js';

/** MoQ Transport version numbers: 0xff000000 + draft number (§Versions). */
export const Version = {
  DRAFT_14: 0xff00000e,
  DRAFT_16: 0xff000010,
  DRAFT_18: 0xff000012,
} as const;
export type Version = (typeof Version)[keyof typeof Version];

/** The versions `encodeControlMessage` speaks; draft-18 has its own (`control-message-d18.ts`). */
export const CODEC_VERSIONS: readonly number[] = [Version.DRAFT_14, Version.DRAFT_16];

export function requireSupportedVersion(version: number): void {
  if (CODEC_VERSIONS.includes(version)) return;
  throw new MoqError(
    SessionCloseCode.VERSION_NEGOTIATION_FAILED,
    `unsupported MoQ Transport version 0x${version.toString(16)}`,
  );
}

/**
 * Draft-16 wire shapes (from draft-15 on): REQUEST_OK / REQUEST_ERROR, request fields carried as
 * parameters, delta-encoded key-value types, SETUP without a version list.
 */
export function isDraft16(version: number): boolean {
  requireSupportedVersion(version);
  return version === Version.DRAFT_16;
}

/** The draft number, for messages and logs (`0xff000010` → 16). */
export function draftNumber(version: number): number {
  return version - 0xff000000;
}

/** How key-value types are written in this version (§Key-Value-Pair Structure). */
export function keyEncodingOf(version: number): 'absolute' | 'delta' {
  return isDraft16(version) ? 'delta' : 'absolute';
}

/** Draft-18 writes its integers as vi64 (§Variable-Length Integers); earlier drafts as QUIC's. */
export function varintEncodingOf(version: number): 'quic' | 'vi64' {
  return version === Version.DRAFT_18 ? 'vi64' : 'quic';
}
