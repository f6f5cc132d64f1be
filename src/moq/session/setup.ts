import { MoqError, SessionCloseCode } from '../error/index.js';
import { sameBytes } from '../../coding/index.js';
import {
  ClientSetup,
  ServerSetup,
  SetupParameters,
  Version,
  draftNumber,
  encodeControlMessage,
} from '../message/index.js';
import type { ControlChannel } from './control-channel.js';
import { ControlStream } from './control-stream.js';
import { setupClient18, setupServer18 } from './d18-setup.js';
import { decodeEarlySubscribes, type EarlySubscribe } from './early-requests.js';
import { setupSentOn } from './early-setup.js';
import type { ClientSetupInfo } from './session-options.js';
import { setupAuthTokens } from './setup-auth-tokens.js';

/** Versions we speak, preferred first. */
export const SUPPORTED_VERSIONS: readonly number[] = [
  Version.DRAFT_18,
  Version.DRAFT_16,
  Version.DRAFT_14,
];

/** WebTransport protocols / ALPNs that mean "draft-14 setup follows" (moq-00 is draft-14's). */
export const DRAFT_14_PROTOCOLS: readonly string[] = ['moq-00', 'moql'];

/**
 * From draft-15 on the protocol is the version (draft-16 §Session establishment: `moqt-16`), and
 * SETUP carries no version list. Draft-18 moves SETUP to a pair of unidirectional streams and
 * requests to streams of their own (`d18-setup.ts`, `d18-control.ts`).
 */
export const PROTOCOL_VERSIONS: ReadonlyMap<string, number> = new Map([
  ['moqt-18', Version.DRAFT_18],
  ['moqt-16', Version.DRAFT_16],
]);

/** What the negotiated protocol says about the version: fixed, by SETUP, or unknown. */
export function versionOfProtocol(protocol: string | undefined): number | 'setup' | undefined {
  if (!protocol || DRAFT_14_PROTOCOLS.includes(protocol)) return 'setup';
  return PROTOCOL_VERSIONS.get(protocol);
}

/** The protocol name of a version we speak, for offers (`moqt-16`); draft-14 has several. */
export function protocolsOfVersion(version: number): readonly string[] {
  if (version === Version.DRAFT_14) return DRAFT_14_PROTOCOLS;
  return [...PROTOCOL_VERSIONS].filter(([, v]) => v === version).map(([name]) => name);
}

export interface SetupResult {
  control: ControlChannel;
  /** The transport the session runs on, when setup wrapped it (draft-18 splits its streams). */
  transport?: WebTransport;
  version: number;
  /** The peer's MAX_REQUEST_ID: how many requests we may make. */
  peerMaxRequestId: number;
  /** Client only: the PATH it asked for (native QUIC); unused over WebTransport. */
  path: string | undefined;
  peerImplementation: string | undefined;
  /** Client only: SUBSCRIBEs written ahead on the control stream, for the session to adopt. */
  earlySubscribes?: EarlySubscribe[];
}

const IMPLEMENTATION = 'moq-studio';

/**
 * Client side (§3.3): open the control stream, send CLIENT_SETUP, read the server's answer. On
 * `moqt-16` the protocol already chose the version; otherwise draft-14's list picks it.
 */
export async function setupClient(
  transport: WebTransport,
  maxRequestId: number,
  signal?: AbortSignal,
  authorizationToken?: string,
): Promise<SetupResult> {
  const version = requireKnownProtocol(negotiatedProtocol(transport));
  if (version === Version.DRAFT_18) return setupClient18(transport, signal, authorizationToken);
  const stream = await transport.createBidirectionalStream();
  const wireVersion = version === 'setup' ? Version.DRAFT_14 : version;
  const control = new ControlStream(stream, wireVersion);
  const hello = clientSetup(maxRequestId, authorizationToken);
  const early = setupSentOn(stream);
  if (!early) await control.send(hello);
  else if (!sameBytes(early.setup, encodeControlMessage(hello, wireVersion))) {
    throw new MoqError(
      SessionCloseCode.INTERNAL_ERROR,
      'the page wrote another CLIENT_SETUP than this client would (page and script from different builds?)',
    );
  }
  const earlySubscribes = early?.requests
    ? decodeEarlySubscribes(early.requests, wireVersion)
    : undefined;
  const reply = await control.nextMessage(signal);
  if (reply.kind !== 'server_setup') {
    throw MoqError.protocolViolation(`expected SERVER_SETUP, got ${reply.kind}`);
  }
  if (reply.selectedVersion !== wireVersion) {
    throw new MoqError(
      SessionCloseCode.VERSION_NEGOTIATION_FAILED,
      `server chose version 0x${reply.selectedVersion.toString(16)}, which we did not offer`,
    );
  }
  return {
    control,
    version: wireVersion,
    peerMaxRequestId: reply.parameters.maxRequestId ?? 0,
    path: undefined,
    peerImplementation: reply.parameters.implementation,
    ...(earlySubscribes ? { earlySubscribes } : {}),
  };
}

/** The client's CLIENT_SETUP with our parameters (drafts 14 and 16; 18 has its own SETUP). */
export function clientSetup(maxRequestId: number, authorizationToken?: string): ClientSetup {
  const parameters = SetupParameters.from({
    maxRequestId,
    implementation: IMPLEMENTATION,
    authorizationTokens: setupAuthTokens(authorizationToken),
  });
  return new ClientSetup({ supportedVersions: [Version.DRAFT_14], parameters });
}

/** Server side: the first bidi stream is the control stream; the protocol or SETUP picks. */
export async function setupServer(
  transport: WebTransport,
  maxRequestId: number,
  signal?: AbortSignal,
  onClientSetup?: (setup: ClientSetupInfo) => void | Promise<void>,
): Promise<SetupResult> {
  const byProtocol = requireKnownProtocol(negotiatedProtocol(transport));
  if (byProtocol === Version.DRAFT_18) return setupServer18(transport, signal, onClientSetup);
  const reader = transport.incomingBidirectionalStreams.getReader();
  const first = await reader.read();
  reader.releaseLock();
  if (first.done) throw MoqError.protocolViolation('session ended before CLIENT_SETUP');
  const wireVersion = byProtocol === 'setup' ? Version.DRAFT_14 : byProtocol;
  const control = new ControlStream(first.value as WebTransportBidirectionalStream, wireVersion);
  const hello = await control.nextMessage(signal);
  if (hello.kind !== 'client_setup') {
    throw MoqError.protocolViolation(`expected CLIENT_SETUP, got ${hello.kind}`);
  }
  const version =
    byProtocol === 'setup' ? pickFromList(hello) : checkNoVersionList(hello, byProtocol);
  await onClientSetup?.({
    path: hello.parameters.path,
    authorizationTokens: hello.parameters.authorizationTokens,
  });
  const parameters = SetupParameters.from({ maxRequestId, implementation: IMPLEMENTATION });
  await control.send(new ServerSetup({ selectedVersion: version, parameters }));
  return {
    control,
    version,
    peerMaxRequestId: hello.parameters.maxRequestId ?? 0,
    path: hello.parameters.path,
    peerImplementation: hello.parameters.implementation,
  };
}

/** The W3C `protocol` attribute (not yet in TypeScript's DOM types); '' when none was chosen. */
function negotiatedProtocol(transport: WebTransport): string | undefined {
  return (transport as { readonly protocol?: string }).protocol;
}

function requireKnownProtocol(protocol: string | undefined): number | 'setup' {
  const version = versionOfProtocol(protocol);
  if (version !== undefined) return version;
  throw new MoqError(
    SessionCloseCode.VERSION_NEGOTIATION_FAILED,
    `protocol ${JSON.stringify(protocol)} is not a MoQ Transport version we speak`,
  );
}

/** Draft-14: the only version of the list that the `moq-00`/`moql` setup can carry. */
function pickFromList(hello: ClientSetup): number {
  if (hello.supportedVersions.includes(Version.DRAFT_14)) return Version.DRAFT_14;
  const offered = hello.supportedVersions.map((v) => `0x${v.toString(16)}`).join(', ');
  const later = hello.supportedVersions.find((v) =>
    PROTOCOL_VERSIONS.has(`moqt-${draftNumber(v)}`),
  );
  const hint = later
    ? `; draft-${draftNumber(later)} is negotiated as moqt-${draftNumber(later)}`
    : '';
  throw new MoqError(
    SessionCloseCode.VERSION_NEGOTIATION_FAILED,
    `no common version (offered ${offered || 'none'})${hint}`,
  );
}

/**
 * Draft-16 CLIENT_SETUP has parameters only. A draft-14 CLIENT_SETUP read that way shows its
 * version list as parameter types of 0xff0000NN: the client set up for another version than
 * the protocol it negotiated.
 */
function checkNoVersionList(hello: ClientSetup, version: number): number {
  const first = hello.parameters.entries[0]?.type ?? 0;
  if (first >= 0xff000000 && first <= 0xff0000ff) {
    throw new MoqError(
      SessionCloseCode.VERSION_NEGOTIATION_FAILED,
      `CLIENT_SETUP carries a version list, but the protocol is moqt-${draftNumber(version)}`,
    );
  }
  return version;
}
