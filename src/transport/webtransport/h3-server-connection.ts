import {
  decodeFieldSection,
  encodeFieldSection,
  serverSettings,
  type FrameReader,
} from '../h3/index.js';
import type { QuicConnection } from '../quic/index.js';
import type { AcceptedSession, SessionPolicy, SessionRequest } from '../session.js';
import { formatString, parseConnectRequest } from './connect-request.js';
import { H3Connection } from './h3-connection.js';
import { WebTransportSession } from './wt-session.js';

interface PendingRequest {
  streamId: number;
  headerBlock: Uint8Array;
  frames: FrameReader;
}

/** The server role: answers extended CONNECTs and hands accepted sessions on. */
export class H3ServerConnection extends H3Connection {
  #pending: PendingRequest[] = [];

  constructor(
    connection: QuicConnection,
    private readonly remoteAddress: string,
    private readonly policy: SessionPolicy,
    private readonly deliver: (accepted: AcceptedSession) => void,
  ) {
    super(connection);
  }

  protected localSettings(): Map<number, number> {
    return serverSettings();
  }

  protected onRequest(streamId: number, headerBlock: Uint8Array, frames: FrameReader): void {
    // Requests wait for the client's SETTINGS (draft §3.1): only then do we know what it speaks.
    if (!this.peerSettings) {
      this.#pending.push({ streamId, headerBlock, frames });
      return;
    }
    this.#handle(streamId, headerBlock, frames);
  }

  protected override onPeerSettings(): void {
    const pending = this.#pending;
    this.#pending = [];
    for (const request of pending)
      this.#handle(request.streamId, request.headerBlock, request.frames);
  }

  protected onConnectionClosed(): void {
    this.#pending = [];
  }

  #handle(streamId: number, headerBlock: Uint8Array, frames: FrameReader): void {
    const parsed = parseConnectRequest(decodeFieldSection(headerBlock));
    if (!parsed.ok) {
      this.#refuse(streamId, parsed.status);
      return;
    }
    const { request } = parsed;
    const url = new URL(`https://${request.authority}${request.path}`);
    const sessionRequest: SessionRequest = {
      transport: 'webtransport',
      url,
      origin: request.origin,
      offeredProtocols: request.protocols,
      remoteAddress: this.remoteAddress,
    };
    const decision = this.policy(sessionRequest);
    if (!decision.accept) {
      this.#refuse(streamId, decision.status);
      return;
    }
    const session = new WebTransportSession(this, streamId, frames);
    this.bindSession(session);
    const fields: Array<[string, string]> = [
      [':status', '200'],
      ['sec-webtransport-http3-draft', 'draft02'],
    ];
    if (decision.protocol) fields.push(['wt-protocol', formatString(decision.protocol)]);
    this.respond(streamId, encodeFieldSection(fields), false);
    session.markReady(decision.protocol);
    this.deliver({ request: sessionRequest, session, stats: () => session.stats() });
    session.onConnectStreamData(undefined, false);
  }

  #refuse(streamId: number, status: number): void {
    this.respond(streamId, encodeFieldSection([[':status', String(status)]]), true);
    this.rejectBuffered(streamId);
  }
}
