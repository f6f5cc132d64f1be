/**
 * QMux over WebSocket names its wire version in `Sec-WebSocket-Protocol`: bare (`qmux-00`) or
 * with the application protocol after a dot (`qmux-00.moq-lite-03`). These helpers parse and
 * build those values for both roles.
 */

/** The QMux drafts @moq/qmux speaks, newest (and preferred) first. */
export const QMUX_VERSIONS = ['qmux-02', 'qmux-01', 'qmux-00'] as const;
export type QmuxVersion = (typeof QMUX_VERSIONS)[number];

/** One QMux sub-protocol a client offered. */
export interface QmuxOffer {
  /** The value as it appeared on the wire. */
  readonly subprotocol: string;
  readonly version: QmuxVersion;
  /** The application protocol, '' for a bare version. */
  readonly appProtocol: string;
}

// RFC 7230 token characters: what a WebSocket sub-protocol may consist of.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Splits a `Sec-WebSocket-Protocol` header (possibly repeated) into its values. */
export function splitProtocolHeader(header: string | readonly string[] | undefined): string[] {
  const joined = typeof header === 'string' ? header : (header ?? []).join(',');
  return joined
    .split(',')
    .map((value) => value.trim())
    .filter((value) => value !== '');
}

/** Reads one sub-protocol value; undefined when it is not a QMux one (e.g. `webtransport`). */
export function parseQmuxSubprotocol(value: string): QmuxOffer | undefined {
  if (!TOKEN.test(value)) return undefined;
  for (const version of QMUX_VERSIONS) {
    if (value === version) return { subprotocol: value, version, appProtocol: '' };
    const prefix = `${version}.`;
    if (value.startsWith(prefix) && value.length > prefix.length) {
      return { subprotocol: value, version, appProtocol: value.slice(prefix.length) };
    }
  }
  return undefined;
}

/** The QMux offers among a client's sub-protocols, in the client's order. */
export function qmuxOffers(values: readonly string[]): QmuxOffer[] {
  return values.flatMap((value) => parseQmuxSubprotocol(value) ?? []);
}

/** The distinct application protocols offered, in the client's order of preference. */
export function offeredAppProtocols(offers: readonly QmuxOffer[]): string[] {
  const names = offers.map((offer) => offer.appProtocol).filter((name) => name !== '');
  return [...new Set(names)];
}

/**
 * The sub-protocol to answer with once the application protocol is chosen ('' = bare): the
 * newest QMux version the client offered it with.
 */
export function selectQmuxSubprotocol(
  offers: readonly QmuxOffer[],
  appProtocol: string,
): string | undefined {
  for (const version of QMUX_VERSIONS) {
    const match = offers.find((o) => o.version === version && o.appProtocol === appProtocol);
    if (match) return match.subprotocol;
  }
  return undefined;
}

/**
 * What a client offers: each application protocol under each version (entries already of the
 * form `qmux-0N.app` pass as they are), then the bare versions unless a protocol is required —
 * so a server that negotiates the application protocol later (MoQ SETUP) still matches.
 */
export function clientSubprotocols(
  appProtocols: readonly string[],
  versions: readonly QmuxVersion[] = QMUX_VERSIONS,
  requireProtocol = false,
): string[] {
  const out: string[] = [];
  for (const entry of appProtocols) {
    if (parseQmuxSubprotocol(entry)) out.push(entry);
    else out.push(...versions.map((version) => `${version}.${entry}`));
  }
  if (!requireProtocol) out.push(...versions);
  return [...new Set(out)];
}

/** True when the value is a valid sub-protocol token. */
export function isProtocolToken(value: string): boolean {
  return TOKEN.test(value);
}
