import type { SessionStats } from '../session.js';
import type { PacketSink } from './datagram-batcher.js';
import { Pacer, type PacerOptions, type PathWindow } from './pacer.js';
import { pacingFor } from './quic-options.js';
import { QuicError } from './quic-error.js';
import { SendQueue } from './send-queue.js';
import {
  parseQuicheError,
  Shutdown,
  type Connection,
  type HostPort,
  type PathStats,
} from './quiche.js';

/** What the layer above (HTTP/3, or a raw benchmark) hears from a connection. */
export interface QuicConnectionHandler {
  onEstablished(): void;
  /** Data, FIN or a reset is waiting; the handler reads when it has room (`read`). */
  onStreamReadable(streamId: number): void;
  onDatagram(payload: Uint8Array): void;
  onClosed(error: QuicError | undefined): void;
}

/** One chunk read from a stream. */
export interface StreamRead {
  data: Uint8Array | undefined;
  fin: boolean;
}

const READ_CHUNK_BYTES = 64 * 1024;
/** Bytes a stream may buffer before its writer waits for quiche to take them. */
const STREAM_SEND_BUDGET_BYTES = 256 * 1024;
/** A live but quiet session must outlive the idle timeout (10 s, so a dead peer is found fast). */
const KEEPALIVE_MS = 3000;
/** Packets one flush may send before I/O gets a turn (a window's worth at any sane cwnd). */
const FLUSH_PACKETS_MAX = 4096;
/**
 * Packets a closing connection may send. A close needs one per packet number space; quiche 0.18
 * can emit frameless packets forever when an application close lands between handshake
 * completion and confirmation (it writes the close only in 1-RTT packets but keeps choosing the
 * Handshake space), so past this the connection is dropped locally.
 */
const CLOSE_PACKETS_MAX = 16;
const TRANSPORT_APPLICATION_ERROR = 0x0c;
/** How much later than quiche asks a running timer may fire (Node's timers are ms-grained). */
const TIMER_SLACK_MS = 1;

/**
 * Drives one quiche connection: feeds it packets, flushes what it wants to send, runs its timer,
 * and turns its stream and datagram state into calls on the handler. All work for a burst of
 * packets is coalesced into one tick.
 */
export class QuicConnection {
  handler: QuicConnectionHandler | undefined;
  readonly closed: Promise<QuicError | undefined>;
  /** Resolves when the handshake completes; rejects if the connection closes first. */
  readonly established: Promise<void>;
  readonly isServer: boolean;

  #conn: Connection;
  /** The endpoint's socket, batched: packets are written into its buffers (no copy). */
  #sink: PacketSink;
  #local: HostPort;
  #established = false;
  #isClosed = false;
  #closing = false;
  /** A client's handshake is confirmed by HANDSHAKE_DONE, which rides on a 1-RTT packet. */
  #sawOneRttPacket = false;
  #closePackets = 0;
  #scheduled = false;
  #timer: NodeJS.Timeout | undefined;
  #timerDeadlineMs = 0;
  #keepalive: NodeJS.Timeout;
  #sendQueue = new SendQueue(STREAM_SEND_BUDGET_BYTES);
  #streamWaiters: Array<() => void> = [];
  #nextBidi: number;
  #nextUni: number;
  #resolveClosed!: (error: QuicError | undefined) => void;
  #settleEstablished!: (error?: QuicError) => void;
  #readBuffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  #pacer: Pacer | undefined;
  #paceTimer: NodeJS.Timeout | undefined;

  constructor(
    conn: Connection,
    sink: PacketSink,
    local: HostPort,
    isServer: boolean,
    pacing: PacerOptions | false = pacingFor(),
  ) {
    this.#conn = conn;
    this.#pacer = pacing ? new Pacer(() => this.#pathWindow(), pacing) : undefined;
    this.#sink = sink;
    this.#local = local;
    this.isServer = isServer;
    this.#nextBidi = isServer ? 1 : 0;
    this.#nextUni = isServer ? 3 : 2;
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    this.established = new Promise((resolve, reject) => {
      this.#settleEstablished = (error) => (error ? reject(error) : resolve());
    });
    this.established.catch(() => undefined);
    this.#keepalive = setInterval(() => this.#ping(), KEEPALIVE_MS).unref();
  }

  get isEstablished(): boolean {
    return this.#established;
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Feeds one received UDP payload (quiche decrypts it in place). */
  receive(packet: Uint8Array, from: HostPort): void {
    if (this.#isClosed) return;
    if (!this.#sawOneRttPacket && ((packet[0] ?? 0x80) & 0x80) === 0) this.#sawOneRttPacket = true;
    try {
      this.#conn.recv(packet, { from, to: this.#local });
    } catch {
      // A packet quiche rejects (undecryptable, duplicate, …) is dropped; quiche closes the
      // connection itself when the error is fatal, which the next tick notices.
    }
    this.schedule();
  }

  /** Runs the connection's work soon; many calls in one I/O phase become one tick. */
  schedule(): void {
    if (this.#scheduled || this.#isClosed) return;
    this.#scheduled = true;
    setImmediate(() => this.#tick());
  }

  /** Reads what quiche holds for a stream. Throws QuicError('STREAM_RESET') on a peer reset. */
  read(streamId: number): StreamRead {
    try {
      const result = this.#conn.streamRecv(streamId, this.#readBuffer);
      // Done: nothing buffered now. FIN arrives as a [0, true] read, never as Done.
      if (result === null) return { data: undefined, fin: false };
      const [length, fin] = result;
      this.schedule(); // reading may open flow-control credit for the peer
      const data =
        length > 0 ? Uint8Array.prototype.slice.call(this.#readBuffer, 0, length) : undefined;
      return { data, fin };
    } catch (error) {
      throw this.#streamError(error, streamId);
    }
  }

  isReadable(streamId: number): boolean {
    return this.#conn.streamReadable(streamId);
  }

  /**
   * Queues bytes (and FIN) on a stream. Resolves at once while the stream buffers little, else
   * once quiche has taken them; a FIN resolves once quiche has it.
   */
  write(streamId: number, data: Uint8Array, fin: boolean): Promise<void> {
    if (this.#isClosed) return Promise.reject(this.#closedError());
    const written = this.#sendQueue.enqueue(streamId, data, fin);
    if (this.#sendQueue.headIsBareFin(streamId)) this.#sendBareFin(streamId);
    else this.schedule();
    return written;
  }

  /** Resets our sending side (RESET_STREAM) or stops the peer's (STOP_SENDING). */
  shutdown(streamId: number, direction: 'read' | 'write', code: number): void {
    if (this.#isClosed) return;
    if (direction === 'write') {
      this.#sendQueue.fail(streamId, new QuicError('STREAM_RESET', 'stream was reset'), true);
    }
    try {
      this.#conn.streamShutdown(
        streamId,
        direction === 'read' ? Shutdown.Read : Shutdown.Write,
        code,
      );
    } catch {
      // Already finished or never opened on the wire: nothing to tell the peer.
    }
    this.schedule();
  }

  /** Maps to quiche's stream urgency (0 most urgent .. 7); lower sends first. */
  setPriority(streamId: number, urgency: number, incremental = true): void {
    const clamped = Math.max(0, Math.min(7, urgency));
    this.#sendQueue.setUrgency(streamId, clamped);
    try {
      this.#conn.streamPriority(streamId, clamped, incremental);
    } catch {
      // The stream may already be complete; priority no longer matters.
    }
  }

  /**
   * Opens a locally-initiated stream by sending its first bytes (quiche creates streams lazily,
   * so the peer's limit only counts once bytes flow). Waits while the peer's limit is reached.
   */
  async openStream(bidi: boolean, preamble: Uint8Array, signal?: AbortSignal): Promise<number> {
    for (;;) {
      if (this.#isClosed) throw this.#closedError();
      signal?.throwIfAborted();
      const left = bidi ? this.#conn.peerStreamsLeftBidi() : this.#conn.peerStreamsLeftUni();
      if (left > 0) break;
      await new Promise<void>((resolve) => this.#streamWaiters.push(resolve));
    }
    const streamId = bidi ? this.#nextBidi : this.#nextUni;
    if (bidi) this.#nextBidi += 4;
    else this.#nextUni += 4;
    // The first bytes go to quiche now: that is what creates the stream and uses up the limit.
    const written = this.write(streamId, preamble, false);
    this.#drainStream(streamId);
    await written;
    return streamId;
  }

  sendDatagram(payload: Uint8Array): boolean {
    if (this.#isClosed) return false;
    try {
      this.#conn.dgramSend(payload);
      this.schedule();
      return true;
    } catch {
      return false; // too large, queue full or not negotiated: datagrams are best effort
    }
  }

  maxDatagramPayloadBytes(): number {
    try {
      return this.#conn.dgramMaxWritableLen() ?? 0;
    } catch {
      return 0;
    }
  }

  /**
   * Closes the whole connection with an application (or transport) error code. Before the
   * handshake is confirmed an application close goes out as the transport error
   * APPLICATION_ERROR (RFC 9000 §10.2.3): Initial and Handshake packets cannot carry
   * application codes.
   */
  close(code: number, reason: string, application = true): void {
    if (this.#isClosed) return;
    this.#closing = true;
    const confirmed = this.#conn.isEstablished() && (this.isServer || this.#sawOneRttPacket);
    const asApplication = application && confirmed;
    const wireCode = application && !confirmed ? TRANSPORT_APPLICATION_ERROR : code;
    try {
      this.#conn.close(asApplication, wireCode, new TextEncoder().encode(reason));
    } catch {
      // Already closing.
    }
    this.schedule();
  }

  peerCertificate(): Uint8Array | undefined {
    return this.#conn.peerCertChain()?.[0];
  }

  applicationProtocol(): string {
    return new TextDecoder().decode(this.#conn.applicationProto());
  }

  stats(): SessionStats {
    const stats = this.#conn.stats();
    const path = this.#activePath();
    return {
      rttMs: path ? path.rtt : 0,
      cwndBytes: path ? path.cwnd : 0,
      deliveryRateBytesPerSec: path ? path.deliveryRate : 0,
      bytesSent: stats.sentBytes,
      bytesReceived: stats.recvBytes,
      bytesLost: stats.lostBytes,
      packetsSent: stats.sent,
      packetsLost: stats.lost,
      pacerHolds: this.#pacer?.holds ?? 0,
    };
  }

  #tick(): void {
    this.#scheduled = false;
    if (this.#isClosed) return;
    if (!this.#established && this.#conn.isEstablished()) {
      this.#established = true;
      this.#settleEstablished();
      this.handler?.onEstablished();
    }
    if (this.#established) this.#deliver();
    for (const streamId of this.#sendQueue.streamIds()) {
      if (this.#sendQueue.headIsBareFin(streamId)) this.#sendBareFin(streamId);
      else this.#drainStream(streamId);
    }
    this.#wakeStreamWaiters();
    this.#flush();
    this.#armTimer();
    if (this.#conn.isClosed()) this.#teardown();
  }

  #deliver(): void {
    // One cheap check first: most ticks on a relay carry ACKs only, and building quiche's
    // stream iterator costs more than the rest of such a tick. quiche's is_readable() is also
    // true for a waiting datagram (the datagram echo test in webtransport.test.ts relies on it).
    if (!this.#conn.isReadable()) return;
    const readable = [...this.#conn.readable()];
    for (const streamId of readable) this.handler?.onStreamReadable(streamId);
    for (;;) {
      const datagram = this.#conn.dgramRecvVec();
      if (datagram === null) break;
      this.handler?.onDatagram(datagram);
    }
  }

  #drainStream(streamId: number): void {
    try {
      this.#sendQueue.drain(streamId, (data, fin) => {
        return this.#conn.streamSend(streamId, data, fin);
      });
    } catch (error) {
      this.#sendQueue.fail(streamId, this.#streamError(error, streamId), true);
    }
  }

  /**
   * A FIN with no bytes to ride on. quiche 0.18 never retransmits such a FIN once the stream's
   * bytes are acked (its retransmit skips an empty buffer), and counts the stream complete as soon
   * as a FIN is recorded over acked bytes. So it goes first in line and out at once, while the
   * last bytes are most likely still in flight; writers that close right after their last write
   * (same tick) never get here: the FIN rides on those bytes.
   */
  #sendBareFin(streamId: number): void {
    this.setPriority(streamId, 0, false);
    this.#drainStream(streamId);
    this.#flush();
    this.#armTimer();
  }

  #wakeStreamWaiters(): void {
    if (this.#streamWaiters.length === 0) return;
    const waiters = this.#streamWaiters;
    this.#streamWaiters = [];
    for (const wake of waiters) wake();
  }

  #flush(): void {
    if (this.#isClosed) return;
    const closing = this.#closing || this.#conn.localError() !== null;
    // Held back by the pacer: its timer flushes (a close goes out at once).
    if (this.#paceTimer && !closing) return;
    const pacer = closing ? undefined : this.#pacer;
    let allowanceBytes = pacer ? pacer.allowance(performance.now()) : Infinity;
    for (let count = 0; count < FLUSH_PACKETS_MAX; count++) {
      if (pacer && allowanceBytes <= 0) {
        this.#holdFor(pacer.holdMs());
        return;
      }
      const packet = this.#sink.slot();
      let sent: ReturnType<Connection['send']>;
      try {
        sent = this.#conn.send(packet);
      } catch {
        return;
      }
      if (sent === null) return;
      if (closing && ++this.#closePackets > CLOSE_PACKETS_MAX) {
        this.#teardown();
        return;
      }
      const [length, info] = sent;
      this.#sink.commit(length, info.to);
      if (!pacer) continue;
      pacer.spend(length);
      allowanceBytes -= length;
    }
    this.schedule(); // more to send: let received packets (ACKs) in first
  }

  /** The pacer's bucket is empty: the rest of quiche's packets wait in quiche until it refills. */
  #holdFor(delayMs: number): void {
    this.#paceTimer = setTimeout(() => {
      this.#paceTimer = undefined;
      this.#tick();
    }, delayMs);
  }

  #pathWindow(): PathWindow | undefined {
    const path = this.#activePath();
    return (
      path && {
        cwndBytes: path.cwnd,
        rttMs: path.rtt,
        deliveryRateBytesPerSec: path.deliveryRate,
      }
    );
  }

  #activePath(): PathStats | undefined {
    const paths = this.#conn.pathStats();
    return paths.find((p) => p.active) ?? paths[0];
  }

  #armTimer(): void {
    const delayMs = this.#isClosed ? null : this.#conn.timeout();
    if (delayMs === null) {
      this.#clearTimer();
      return;
    }
    // Each packet moves quiche's deadline (idle, loss probe) a little later; re-creating the timer
    // every tick was a measurable share of a busy relay's CPU. A running timer that fires no later
    // than needed stays: firing early is harmless, quiche acts only on timers that are due.
    const deadlineMs = performance.now() + delayMs;
    if (this.#timer && this.#timerDeadlineMs <= deadlineMs + TIMER_SLACK_MS) return;
    this.#clearTimer();
    this.#timerDeadlineMs = deadlineMs;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#conn.onTimeout();
      this.#tick();
    }, delayMs);
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #ping(): void {
    if (!this.#established) return;
    try {
      this.#conn.sendAckEliciting();
    } catch {
      return;
    }
    this.schedule();
  }

  #teardown(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#clearTimer();
    clearTimeout(this.#paceTimer);
    clearInterval(this.#keepalive);
    const error = this.#closeReason();
    this.#sendQueue.failAll(this.#closedError());
    this.#wakeStreamWaiters();
    this.#settleEstablished(
      error ?? new QuicError('CONNECTION_CLOSED', 'closed before the handshake'),
    );
    this.handler?.onClosed(error);
    this.#resolveClosed(error);
  }

  #closeReason(): QuicError | undefined {
    const peer = this.#conn.peerError();
    const local = this.#conn.localError();
    const failure = peer ?? local;
    if (this.#conn.isTimedOut()) {
      const what = this.#established ? 'idle timeout' : 'handshake timed out';
      return new QuicError('TIMEOUT', `QUIC connection closed: ${what}`);
    }
    if (!failure) return undefined;
    const reason = new TextDecoder().decode(failure.reason);
    const who = peer ? 'peer' : 'local';
    if (!failure.isApp && failure.errorCode === 0) return undefined;
    const kind = this.#established ? 'CONNECTION_CLOSED' : 'HANDSHAKE_FAILED';
    const message = `QUIC connection closed by ${who}: ${failure.isApp ? 'application' : 'transport'} error ${failure.errorCode}${reason ? ` (${reason})` : ''}`;
    return new QuicError(kind, message, failure.errorCode);
  }

  #closedError(): QuicError {
    return this.#closeReason() ?? new QuicError('CONNECTION_CLOSED', 'QUIC connection closed');
  }

  #streamError(error: unknown, streamId: number): QuicError {
    const failure = parseQuicheError(error);
    if (failure.kind === 'StreamReset') {
      return new QuicError('STREAM_RESET', `stream ${streamId} reset by peer`, failure.code);
    }
    if (failure.kind === 'StreamStopped') {
      return new QuicError('STREAM_STOPPED', `stream ${streamId} stopped by peer`, failure.code);
    }
    if (failure.kind === 'StreamLimit') {
      return new QuicError('STREAM_LIMIT', `peer stream limit reached at ${streamId}`);
    }
    if (this.#conn.isClosed()) return this.#closedError();
    return new QuicError('QUICHE', `stream ${streamId}: ${failure.kind}`);
  }
}
