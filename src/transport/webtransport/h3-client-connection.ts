import {
  FrameReader,
  FrameType,
  H3ErrorCode,
  Setting,
  clientSettings,
  decodeFieldSection,
  encodeFieldSection,
  encodeFrame,
} from '../h3/index.js';
import type { QuicConnection } from '../quic/index.js';
import { TransportError } from '../transport-error.js';
import { formatString, parseString } from './connect-request.js';
import { H3Connection } from './h3-connection.js';
import { WebTransportSession } from './wt-session.js';

export interface ConnectTarget {
  authority: string;
  path: string;
  origin?: string;
  protocols: readonly string[];
}

const WEBTRANSPORT_SETTINGS = [
  Setting.ENABLE_WEBTRANSPORT_DRAFT02,
  Setting.WEBTRANSPORT_MAX_SESSIONS_DRAFT07,
  Setting.WT_MAX_SESSIONS,
];

/** The client role: one extended CONNECT once the server's SETTINGS allow WebTransport. */
export class H3ClientConnection extends H3Connection {
  readonly session: WebTransportSession;
  #target: ConnectTarget;
  #sent = false;

  constructor(connection: QuicConnection, target: ConnectTarget) {
    super(connection);
    this.#target = target;
    // Client-initiated bidi stream 0 is the first request stream, so it names the session.
    this.session = new WebTransportSession(this, 0, new FrameReader());
    this.session.onResponseHeaders = (block) => this.#onResponse(block);
  }

  protected localSettings(): Map<number, number> {
    return clientSettings();
  }

  protected onRequest(): void {
    // Servers do not send requests; H3Connection refuses server-initiated request streams.
  }

  protected override onPeerSettings(): void {
    if (this.#sent) return;
    const settings = this.peerSettings ?? new Map<number, number>();
    const webTransport = WEBTRANSPORT_SETTINGS.some((id) => (settings.get(id) ?? 0) > 0);
    if (!webTransport) {
      this.#abort('server does not offer WebTransport (no WebTransport SETTINGS)');
      return;
    }
    this.#sent = true;
    this.bindSession(this.session);
    const headers = encodeFrame(FrameType.HEADERS, encodeFieldSection(this.#requestFields()));
    this.connection.openStream(true, headers).catch((error: unknown) => {
      this.#abort(`cannot open the CONNECT stream: ${String(error)}`);
    });
  }

  protected onConnectionClosed(): void {
    // Sessions were already aborted by H3Connection.
  }

  #requestFields(): Array<[string, string]> {
    const t = this.#target;
    const fields: Array<[string, string]> = [
      [':method', 'CONNECT'],
      [':scheme', 'https'],
      [':authority', t.authority],
      [':path', t.path],
      [':protocol', 'webtransport'],
      ['sec-webtransport-http3-draft02', '1'],
    ];
    if (t.origin) fields.push(['origin', t.origin]);
    if (t.protocols.length > 0) {
      fields.push(['wt-available-protocols', t.protocols.map(formatString).join(', ')]);
    }
    return fields;
  }

  #onResponse(block: Uint8Array): void {
    const fields = decodeFieldSection(block);
    const status = Number(fields.find(([n]) => n === ':status')?.[1]);
    if (!(status >= 200 && status < 300)) {
      this.#abort(`server refused the session: HTTP ${status}`);
      return;
    }
    const chosen = fields.find(([n]) => n === 'wt-protocol')?.[1];
    const protocol = chosen === undefined ? '' : (parseString(chosen) ?? '');
    if (protocol && !this.#target.protocols.includes(protocol)) {
      this.#abort(`server chose a protocol we did not offer: ${protocol}`);
      return;
    }
    this.session.markReady(protocol);
  }

  #abort(reason: string): void {
    this.session.abort(new TransportError(`Opening handshake failed: ${reason}`, 'session'));
    this.fail(H3ErrorCode.NO_ERROR, reason);
  }
}
