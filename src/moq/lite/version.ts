/**
 * moq-lite versions (draft-lcurley-moq-lite), each negotiated by its own WebTransport protocol /
 * ALPN, so no SETUP exchange picks the version. What changes between them is listed here once,
 * and every codec asks these predicates rather than comparing versions itself.
 */
export const LiteVersion = {
  LITE_03: 0xff0dad03,
  LITE_04: 0xff0dad04,
  LITE_05: 0xff0dad05,
} as const;
export type LiteVersion = (typeof LiteVersion)[keyof typeof LiteVersion];

/** Protocol name → version, newest first (the order a server prefers them in). */
export const LITE_PROTOCOL_VERSIONS: ReadonlyMap<string, LiteVersion> = new Map([
  ['moq-lite-05', LiteVersion.LITE_05],
  ['moq-lite-04', LiteVersion.LITE_04],
  ['moq-lite-03', LiteVersion.LITE_03],
]);

export const LITE_PROTOCOLS: readonly string[] = [...LITE_PROTOCOL_VERSIONS.keys()];

/** The moq-lite version a negotiated protocol names, if it names one we speak. */
export function liteVersionOfProtocol(protocol: string): LiteVersion | undefined {
  return LITE_PROTOCOL_VERSIONS.get(protocol);
}

export function liteVersionName(version: LiteVersion): string {
  for (const [name, v] of LITE_PROTOCOL_VERSIONS) if (v === version) return name;
  return `moq-lite-0x${version.toString(16)}`;
}

/**
 * lite-05 added: a one-shot SETUP uni stream, ANNOUNCE_OK first on announce streams, the TRACK
 * stream (immutable track info, timescale), implicit subscribe acceptance answered with
 * SUBSCRIBE_START / SUBSCRIBE_END, and a zigzag-delta timestamp before every frame.
 */
export function isLite05(version: LiteVersion): boolean {
  return version >= LiteVersion.LITE_05;
}

/** lite-04 and lite-05 put the asker's origin id in ANNOUNCE_REQUEST ("exclude hop"). */
export function hasExcludeHop(version: LiteVersion): boolean {
  return version === LiteVersion.LITE_04 || version === LiteVersion.LITE_05;
}

/** lite-03 carries a hop count only; lite-04+ the hop ids after it. */
export function hasHopIds(version: LiteVersion): boolean {
  return version >= LiteVersion.LITE_04;
}
