import { MoqError, SessionCloseCode } from '../error/index.js';

/** MoQ Transport version numbers: 0xff000000 + draft number (§Versions). */
export const Version = {
  DRAFT_14: 0xff00000e,
  DRAFT_16: 0xff000010,
  DRAFT_18: 0xff000012,
} as const;
export type Version = (typeof Version)[keyof typeof Version];

/** The codecs here speak draft-14 only; the `version` parameters exist for later drafts. */
export function requireSupportedVersion(version: number): void {
  if (version === Version.DRAFT_14) return;
  throw new MoqError(
    SessionCloseCode.VERSION_NEGOTIATION_FAILED,
    `unsupported MoQ Transport version 0x${version.toString(16)}`,
  );
}
