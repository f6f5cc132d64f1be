import {
  FrameReader,
  FrameType,
  H3Error,
  H3ErrorCode,
  StreamType,
  decodeDatagram,
  decodeSettings,
  encodeDatagramPrefix,
  encodeFrame,
  encodeSettings,
  readVarints,
} from '../h3/index.js';
import type { QuicConnection, QuicConnectionHandler, QuicError } from '../quic/index.js';
import { TransportError } from '../transport-error.js';
import { WebTransportSession, type SessionCarrier } from './wt-session.js';

/** What an incoming stream turned out to be, once its first bytes arrived. */
type StreamRole =
  | { kind: 'unknown'; buffer: Uint8Array }
  | { kind: 'control'; frames: FrameReader; settingsSeen: boolean }
  | { kind: 'discard' }
  | { kind: 'request'; frames: FrameReader }
  | { kind: 'session'; session: WebTransportSession }
  | { kind: 'wt'; session: WebTransportSession };

/** At most this many streams may wait for a session that is not yet known (draft §4.6). */
const MAX_BUFFERED_STREAMS = 32;
const PREAMBLE_LIMIT_BYTES = 16;

const isBidi = (streamId: number): boolean => (streamId & 0x2) === 0;
const isPeerInitiated = (streamId: number, isServer: boolean): boolean =>
  ((streamId & 0x1) === 1) !== isServer;

/**
 * HTTP/3 as far as WebTransport needs it (RFC 9114 + draft-ietf-webtrans-http3): control
 * streams and SETTINGS, request streams, WebTransport stream preambles and datagrams. The role
 * (server or client) supplies what to do with a request stream and its response.
 */
export abstract class H3Connection implements QuicConnectionHandler, SessionCarrier {
  protected readonly sessions = new Map<number, WebTransportSession>();
  protected peerSettings: Map<number, number> | undefined;
  #streams = new Map<number, StreamRole>();
  #buffered = new Map<
    number,
    Array<{ streamId: number; bidi: boolean; rest: Uint8Array; fin: boolean }>
  >();
  #bufferedCount = 0;
  #closing = false;
  #peerControlSeen = false;

  constructor(readonly connection: QuicConnection) {
    connection.handler = this;
  }

  onEstablished(): void {
    const settings = encodeFrame(FrameType.SETTINGS, encodeSettings(this.localSettings()));
    const preamble = new Uint8Array([StreamType.CONTROL, ...settings]);
    this.connection.openStream(false, preamble).catch(() => undefined);
  }

  onStreamReadable(streamId: number): void {
    const role = this.#streams.get(streamId);
    if (role?.kind === 'wt' || role?.kind === 'session') {
      if (role.kind === 'wt') role.session.onStreamReadable(streamId);
      else this.#readSessionStream(streamId, role.session);
      return;
    }
    if (!role && !isPeerInitiated(streamId, this.connection.isServer)) return;
    try {
      this.#readFramed(streamId, role ?? this.#newStream(streamId));
    } catch (error) {
      this.#fail(error);
    }
  }

  onDatagram(payload: Uint8Array): void {
    try {
      const { sessionId, payload: data } = decodeDatagram(payload);
      this.sessions.get(sessionId)?.onDatagram(data);
    } catch {
      // A malformed datagram is dropped (RFC 9297 §2.1 allows treating it as an error; one bad
      // datagram is not worth the connection).
    }
  }

  onClosed(error: QuicError | undefined): void {
    const reason = new TransportError(error?.message ?? 'connection closed', 'session');
    for (const session of [...this.sessions.values()]) session.abort(reason);
    this.onConnectionClosed(reason);
  }

  sendDatagram(sessionId: number, payload: Uint8Array): void {
    const prefix = encodeDatagramPrefix(sessionId);
    const datagram = new Uint8Array(prefix.length + payload.length);
    datagram.set(prefix);
    datagram.set(payload, prefix.length);
    this.connection.sendDatagram(datagram);
  }

  maxDatagramPayloadBytes(sessionId: number): number {
    const room = this.connection.maxDatagramPayloadBytes();
    return Math.max(0, room - encodeDatagramPrefix(sessionId).length);
  }

  sessionEnded(sessionId: number): void {
    this.sessions.delete(sessionId);
    this.#streams.delete(sessionId);
    if (this.sessions.size > 0 || this.#closing) return;
    this.#closing = true;
    // Let the close capsule and FIN reach the peer before the connection goes.
    setTimeout(() => this.connection.close(H3ErrorCode.NO_ERROR, ''), 1000).unref();
  }

  registerStream(streamId: number, session: WebTransportSession): void {
    this.#streams.set(streamId, { kind: 'wt', session });
  }

  forgetStream(streamId: number): void {
    if (this.#streams.get(streamId)?.kind === 'wt') this.#streams.delete(streamId);
  }

  /** Closes the connection with an HTTP/3 error (a connection error, RFC 9114 §8). */
  fail(code: number, reason: string): void {
    this.connection.close(code, reason);
  }

  protected abstract localSettings(): Map<number, number>;
  /** A peer request stream delivered a HEADERS frame (server only). */
  protected abstract onRequest(
    streamId: number,
    headerBlock: Uint8Array,
    frames: FrameReader,
  ): void;
  protected abstract onConnectionClosed(error: Error): void;

  protected bindSession(session: WebTransportSession): void {
    this.sessions.set(session.sessionId, session);
    this.#streams.set(session.sessionId, { kind: 'session', session });
    const waiting = this.#buffered.get(session.sessionId) ?? [];
    this.#buffered.delete(session.sessionId);
    this.#bufferedCount -= waiting.length;
    for (const s of waiting) this.#routeToSession(s.streamId, s.bidi, session, s.rest, s.fin);
  }

  /** Sends the response HEADERS on a request stream; `fin` ends it (refusals). */
  protected respond(streamId: number, headerBlock: Uint8Array, fin: boolean): void {
    this.connection
      .write(streamId, encodeFrame(FrameType.HEADERS, headerBlock), fin)
      .catch(() => undefined);
    if (fin) this.#streams.set(streamId, { kind: 'discard' });
  }

  /** Streams already waiting for a session that will never exist are refused. */
  protected rejectBuffered(sessionId: number): void {
    for (const stream of this.#buffered.get(sessionId) ?? [])
      this.#refuse(stream.streamId, stream.bidi);
    this.#bufferedCount -= this.#buffered.get(sessionId)?.length ?? 0;
    this.#buffered.delete(sessionId);
  }

  protected trackRequest(streamId: number): FrameReader {
    const frames = new FrameReader();
    this.#streams.set(streamId, { kind: 'request', frames });
    return frames;
  }

  #newStream(streamId: number): StreamRole {
    const role: StreamRole = { kind: 'unknown', buffer: new Uint8Array(0) };
    this.#streams.set(streamId, role);
    return role;
  }

  #readFramed(streamId: number, role: StreamRole): void {
    for (;;) {
      if (role.kind === 'discard') {
        this.#drain(streamId);
        return;
      }
      let chunk;
      try {
        chunk = this.connection.read(streamId);
      } catch {
        this.#onStreamReset(streamId, role);
        return;
      }
      if (!chunk.data && !chunk.fin) return;
      role = this.#consume(streamId, role, chunk.data ?? new Uint8Array(0), chunk.fin);
      if (role.kind === 'session') {
        this.#readSessionStream(streamId, role.session);
        return;
      }
      if (role.kind === 'wt') return;
      if (chunk.fin) return;
    }
  }

  #consume(streamId: number, role: StreamRole, data: Uint8Array, fin: boolean): StreamRole {
    if (role.kind === 'unknown') return this.#classify(streamId, role, data, fin);
    if (role.kind === 'control') {
      role.frames.push(data);
      this.#readControl(role);
      if (fin) throw new H3Error(H3ErrorCode.CLOSED_CRITICAL_STREAM, 'control stream closed');
      return role;
    }
    if (role.kind === 'request') {
      role.frames.push(data);
      this.#readRequest(streamId, role.frames);
      if (fin && this.#streams.get(streamId)?.kind === 'request') this.#streams.delete(streamId);
    }
    return this.#streams.get(streamId) ?? role;
  }

  /** Reads a stream's first varints to learn what it is (RFC 9114 §6; draft §4.2, §4.3). */
  #classify(
    streamId: number,
    role: { buffer: Uint8Array },
    data: Uint8Array,
    fin: boolean,
  ): StreamRole {
    const buffer = concat(role.buffer, data);
    const bidi = isBidi(streamId);
    const head = readVarints(buffer, 1);
    if (!head) return this.#awaitMore(streamId, buffer, fin);
    const type = head.values[0] as number;
    if (type === (bidi ? FrameType.WEBTRANSPORT_STREAM : StreamType.WEBTRANSPORT_UNI)) {
      const both = readVarints(buffer, 2);
      if (!both) return this.#awaitMore(streamId, buffer, fin);
      const rest = buffer.subarray(both.size);
      this.#onWebTransportStream(streamId, bidi, both.values[1] as number, rest, fin);
      return this.#streams.get(streamId) ?? { kind: 'discard' };
    }
    if (bidi) {
      if (!this.connection.isServer) {
        throw new H3Error(H3ErrorCode.STREAM_CREATION_ERROR, 'server-initiated request stream');
      }
      const frames = this.trackRequest(streamId);
      frames.push(buffer);
      this.#readRequest(streamId, frames);
      return this.#streams.get(streamId) ?? { kind: 'discard' };
    }
    return this.#classifyUni(streamId, type, buffer.subarray(head.size), fin);
  }

  #classifyUni(streamId: number, type: number, rest: Uint8Array, fin: boolean): StreamRole {
    if (type === StreamType.CONTROL) {
      if (this.#peerControlSeen) {
        throw new H3Error(H3ErrorCode.STREAM_CREATION_ERROR, 'second control stream');
      }
      this.#peerControlSeen = true;
      const role: StreamRole = { kind: 'control', frames: new FrameReader(), settingsSeen: false };
      this.#streams.set(streamId, role);
      return this.#consume(streamId, role, rest, fin);
    }
    if (type === StreamType.PUSH) {
      throw new H3Error(H3ErrorCode.STREAM_CREATION_ERROR, 'push streams are not allowed');
    }
    if (type !== StreamType.QPACK_ENCODER && type !== StreamType.QPACK_DECODER) {
      // Unknown (often GREASE) stream types: stop reading, keep the connection (RFC 9114 §6.2).
      this.connection.shutdown(streamId, 'read', H3ErrorCode.STREAM_CREATION_ERROR);
    }
    // With a zero-capacity dynamic table, QPACK instructions carry nothing we need.
    const role: StreamRole = { kind: 'discard' };
    this.#streams.set(streamId, role);
    return role;
  }

  #awaitMore(streamId: number, buffer: Uint8Array, fin: boolean): StreamRole {
    if (fin || buffer.length > PREAMBLE_LIMIT_BYTES) {
      this.#streams.set(streamId, { kind: 'discard' });
      return { kind: 'discard' };
    }
    const role: StreamRole = { kind: 'unknown', buffer };
    this.#streams.set(streamId, role);
    return role;
  }

  #readControl(role: { frames: FrameReader; settingsSeen: boolean }): void {
    for (let frame = role.frames.next(); frame; frame = role.frames.next()) {
      if (!role.settingsSeen) {
        if (frame.type !== FrameType.SETTINGS) {
          throw new H3Error(
            H3ErrorCode.MISSING_SETTINGS,
            'control stream must begin with SETTINGS',
          );
        }
        role.settingsSeen = true;
        this.peerSettings = decodeSettings(frame.payload);
        this.onPeerSettings();
        continue;
      }
      if (frame.type === FrameType.SETTINGS) {
        throw new H3Error(H3ErrorCode.FRAME_UNEXPECTED, 'second SETTINGS frame');
      }
      if (frame.type === FrameType.DATA || frame.type === FrameType.HEADERS) {
        throw new H3Error(
          H3ErrorCode.FRAME_UNEXPECTED,
          `frame ${frame.type} on the control stream`,
        );
      }
      // GOAWAY, MAX_PUSH_ID and GREASE frames: nothing for a WebTransport endpoint to do.
    }
  }

  protected onPeerSettings(): void {
    // Roles override to react (the client sends its CONNECT only after this).
  }

  #readRequest(streamId: number, frames: FrameReader): void {
    const frame = frames.next();
    if (!frame) return;
    if (frame.type === FrameType.DATA) {
      throw new H3Error(H3ErrorCode.FRAME_UNEXPECTED, 'DATA before HEADERS on a request stream');
    }
    if (frame.type !== FrameType.HEADERS) {
      this.#readRequest(streamId, frames); // unknown frame types are skipped (RFC 9114 §9)
      return;
    }
    this.onRequest(streamId, frame.payload, frames);
  }

  #onWebTransportStream(
    streamId: number,
    bidi: boolean,
    sessionId: number,
    rest: Uint8Array,
    fin: boolean,
  ): void {
    const session = this.sessions.get(sessionId);
    if (session) {
      this.#routeToSession(streamId, bidi, session, rest, fin);
      return;
    }
    if (this.#bufferedCount >= MAX_BUFFERED_STREAMS) {
      this.#refuse(streamId, bidi);
      return;
    }
    this.#bufferedCount++;
    const waiting = this.#buffered.get(sessionId) ?? [];
    waiting.push({ streamId, bidi, rest: rest.slice(), fin });
    this.#buffered.set(sessionId, waiting);
    this.#streams.set(streamId, { kind: 'discard' });
  }

  #routeToSession(
    streamId: number,
    bidi: boolean,
    session: WebTransportSession,
    rest: Uint8Array,
    fin: boolean,
  ): void {
    this.#streams.set(streamId, { kind: 'wt', session });
    session.acceptStream(streamId, bidi, rest.length > 0 ? rest.slice() : undefined, fin);
    if (!fin) session.onStreamReadable(streamId);
  }

  #refuse(streamId: number, bidi: boolean): void {
    this.connection.shutdown(streamId, 'read', H3ErrorCode.WT_BUFFERED_STREAM_REJECTED);
    if (bidi) this.connection.shutdown(streamId, 'write', H3ErrorCode.WT_BUFFERED_STREAM_REJECTED);
    this.#streams.set(streamId, { kind: 'discard' });
  }

  #readSessionStream(streamId: number, session: WebTransportSession): void {
    for (;;) {
      let chunk;
      try {
        chunk = this.connection.read(streamId);
      } catch (error) {
        session.abort(new TransportError(`CONNECT stream reset: ${String(error)}`, 'session'));
        return;
      }
      if (!chunk.data && !chunk.fin) return;
      session.onConnectStreamData(chunk.data, chunk.fin);
      if (chunk.fin || session.isClosed) return;
    }
  }

  #drain(streamId: number): void {
    try {
      while (this.connection.read(streamId).data);
    } catch {
      this.#streams.delete(streamId);
    }
  }

  #onStreamReset(streamId: number, role: StreamRole): void {
    this.#streams.delete(streamId);
    if (role.kind === 'control') {
      this.#fail(new H3Error(H3ErrorCode.CLOSED_CRITICAL_STREAM, 'control stream reset'));
    }
  }

  #fail(error: unknown): void {
    if (error instanceof H3Error) {
      this.fail(error.code, error.message);
      return;
    }
    this.fail(
      H3ErrorCode.GENERAL_PROTOCOL_ERROR,
      error instanceof Error ? error.message : String(error),
    );
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
