import { MoqError, SessionCloseCode } from '../error/index.js';
import {
  AuthTokenAliasType,
  ClientSetup,
  ServerSetup,
  SetupParameters,
  Version,
} from '../message/index.js';
import { ControlStream } from './control-stream.js';
import type { ClientSetupInfo } from './session-options.js';

/** Versions we speak, preferred first. Draft-16/18 join here as they are added. */
export const SUPPORTED_VERSIONS: readonly number[] = [Version.DRAFT_14];

/** WebTransport protocols / ALPNs that mean "draft-14 setup follows" (moq-00 is draft-14's). */
export const DRAFT_14_PROTOCOLS: readonly string[] = ['moq-00', 'moql'];

export interface SetupResult {
  control: ControlStream;
  version: number;
  /** The peer's MAX_REQUEST_ID: how many requests we may make. */
  peerMaxRequestId: number;
  /** Client only: the PATH it asked for (native QUIC); unused over WebTransport. */
  path: string | undefined;
  peerImplementation: string | undefined;
}

const IMPLEMENTATION = 'moq-studio';

/** Client side (§3.3): open the control stream, offer our versions, read the server's pick. */
export async function setupClient(
  transport: WebTransport,
  maxRequestId: number,
  signal?: AbortSignal,
  authorizationToken?: string,
): Promise<SetupResult> {
  const stream = await transport.createBidirectionalStream();
  const control = new ControlStream(stream, Version.DRAFT_14);
  // Token type 0: "negotiated out-of-band" (§AUTHORIZATION TOKEN); ours is a JWT.
  const authorizationTokens =
    authorizationToken === undefined
      ? []
      : [
          {
            aliasType: AuthTokenAliasType.UseValue,
            tokenType: 0,
            tokenValue: new TextEncoder().encode(authorizationToken),
          },
        ];
  const parameters = SetupParameters.from({
    maxRequestId,
    implementation: IMPLEMENTATION,
    authorizationTokens,
  });
  await control.send(new ClientSetup({ supportedVersions: SUPPORTED_VERSIONS, parameters }));
  const reply = await control.nextMessage(signal);
  if (reply.kind !== 'server_setup') {
    throw MoqError.protocolViolation(`expected SERVER_SETUP, got ${reply.kind}`);
  }
  if (!SUPPORTED_VERSIONS.includes(reply.selectedVersion)) {
    throw new MoqError(
      SessionCloseCode.VERSION_NEGOTIATION_FAILED,
      `server chose version 0x${reply.selectedVersion.toString(16)}, which we did not offer`,
    );
  }
  control.setVersion(reply.selectedVersion);
  return {
    control,
    version: reply.selectedVersion,
    peerMaxRequestId: reply.parameters.maxRequestId ?? 0,
    path: undefined,
    peerImplementation: reply.parameters.implementation,
  };
}

/** Server side: the first bidi stream is the control stream; pick the best common version. */
export async function setupServer(
  transport: WebTransport,
  maxRequestId: number,
  signal?: AbortSignal,
  onClientSetup?: (setup: ClientSetupInfo) => void | Promise<void>,
): Promise<SetupResult> {
  const reader = transport.incomingBidirectionalStreams.getReader();
  const first = await reader.read();
  reader.releaseLock();
  if (first.done) throw MoqError.protocolViolation('session ended before CLIENT_SETUP');
  const control = new ControlStream(
    first.value as WebTransportBidirectionalStream,
    Version.DRAFT_14,
  );
  const hello = await control.nextMessage(signal);
  if (hello.kind !== 'client_setup') {
    throw MoqError.protocolViolation(`expected CLIENT_SETUP, got ${hello.kind}`);
  }
  const version = SUPPORTED_VERSIONS.find((v) => hello.supportedVersions.includes(v));
  if (version === undefined) {
    const offered = hello.supportedVersions.map((v) => `0x${v.toString(16)}`).join(', ');
    throw new MoqError(
      SessionCloseCode.VERSION_NEGOTIATION_FAILED,
      `no common version (offered ${offered || 'none'})`,
    );
  }
  await onClientSetup?.({
    path: hello.parameters.path,
    authorizationTokens: hello.parameters.authorizationTokens,
  });
  const parameters = SetupParameters.from({ maxRequestId, implementation: IMPLEMENTATION });
  await control.send(new ServerSetup({ selectedVersion: version, parameters }));
  control.setVersion(version);
  return {
    control,
    version,
    peerMaxRequestId: hello.parameters.maxRequestId ?? 0,
    path: hello.parameters.path,
    peerImplementation: hello.parameters.implementation,
  };
}
