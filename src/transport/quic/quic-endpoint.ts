import { randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP, isIPv6 } from 'node:net';
import { AddressValidator, type AddressValidationOptions } from './address-validation.js';
import type { QuicRouting } from './cid-forwarder.js';
import { DatagramBatcher, type BatcherStats } from './datagram-batcher.js';
import type { PacerOptions } from './pacer.js';
import { QuicConnection } from './quic-connection.js';
import { QuicError } from './quic-error.js';
import { PacketType, quiche, type Config, type HostPort } from './quiche.js';

/** Our connection IDs are 20 bytes so short-header packets parse with one fixed length. */
const CID_BYTES = 20;
const SOCKET_BUFFER_BYTES = 8 * 1024 * 1024;

/** Figures an operator reads off a listening endpoint. */
export interface EndpointStats {
  connections: number;
  packetsReceived: number;
  packetsDropped: number;
  /** Handshakes begun and not yet finished. */
  pendingHandshakes: number;
  /** Retry packets sent (address validation under load). */
  retriesSent: number;
  /** Packets passed on to a sibling endpoint, whose connection they belong to (QuicRouting). */
  packetsForwarded: number;
}

export interface QuicListenOptions {
  host?: string;
  port: number;
  /** Called for every new connection's quiche Config (so certificates can rotate). */
  config: () => Config;
  onConnection: (connection: QuicConnection, remote: HostPort) => void;
  maxConnections?: number;
  /** SO_REUSEPORT: several processes share the port, each QUIC connection stays with one. */
  reusePort?: boolean;
  /** Retry and per-address caps while handshakes pile up (see AddressValidator). */
  addressValidation?: Partial<AddressValidationOptions>;
  /** How connections pace their packets (`pacingFor(quicOptions)`); default on. */
  pacing?: PacerOptions | false;
  /**
   * Siblings on the same port (reusePort): connection IDs carry this endpoint's id, and packets
   * of a sibling's connection that the kernel hands here are passed on to it (CidForwarder).
   */
  routing?: QuicRouting;
}

/** Connection IDs as map keys: latin1 maps each byte to one char, cheaper than hex. */
function cidKey(cid: Uint8Array): string {
  return Buffer.from(cid.buffer, cid.byteOffset, cid.length).toString('latin1');
}

function bindSocket(host: string, port: number, reusePort = false): Promise<Socket> {
  const type = isIPv6(host) ? 'udp6' : 'udp4';
  const socket = createSocket({ type, reuseAddr: false, reusePort });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      try {
        socket.setRecvBufferSize(SOCKET_BUFFER_BYTES);
        socket.setSendBufferSize(SOCKET_BUFFER_BYTES);
      } catch {
        // The OS may cap buffer sizes; the defaults still work.
      }
      resolve(socket);
    });
  });
}

function sendOn(socket: Socket): (packet: Uint8Array, to: HostPort) => void {
  return (packet, to) => {
    try {
      socket.send(packet, to.port, to.host, () => {
        // A failed send is loss; QUIC recovers from it.
      });
    } catch {
      // The socket closed under a connection's last timer (shutdown): nothing left to send to.
    }
  };
}

/** A UDP socket serving many QUIC connections, routed by destination connection ID. */
export class QuicServerEndpoint {
  #socket: Socket;
  #batcher: DatagramBatcher;
  #options: QuicListenOptions;
  #local: HostPort;
  #byCid = new Map<string, QuicConnection>();
  #connections = new Set<QuicConnection>();
  #packetsReceived = 0;
  #packetsDropped = 0;
  #retriesSent = 0;
  #packetsForwarded = 0;
  #closing = false;
  readonly #validator: AddressValidator;

  private constructor(socket: Socket, options: QuicListenOptions) {
    this.#socket = socket;
    this.#batcher = new DatagramBatcher(socket, false);
    this.#options = options;
    this.#validator = new AddressValidator(options.addressValidation);
    const address = socket.address();
    this.#local = { host: address.address, port: address.port };
    socket.on('message', (msg, rinfo) => this.#onPacket(msg, rinfo));
    options.routing?.forwarder.onPacket((msg, from) => {
      if (!this.#closing) this.#onPacket(msg, { address: from.host, port: from.port }, true);
    });
    socket.on('error', () => {
      // ICMP-driven errors on an unconnected UDP socket concern one peer, not the endpoint.
    });
  }

  static async listen(options: QuicListenOptions): Promise<QuicServerEndpoint> {
    const socket = await bindSocket(options.host ?? '127.0.0.1', options.port, options.reusePort);
    return new QuicServerEndpoint(socket, options);
  }

  get port(): number {
    return this.#local.port;
  }

  stats(): EndpointStats {
    return {
      connections: this.#connections.size,
      packetsReceived: this.#packetsReceived,
      packetsDropped: this.#packetsDropped,
      pendingHandshakes: this.#validator.pending,
      retriesSent: this.#retriesSent,
      packetsForwarded: this.#packetsForwarded,
    };
  }

  /** How packets left this endpoint: batched (sendmmsg/GSO) or one socket.send each. */
  sendStats(): BatcherStats & { native: boolean } {
    return { ...this.#batcher.stats, native: this.#batcher.native };
  }

  /** Stops listening; open connections are closed with `code`. */
  async close(code = 0, reason = 'server shutting down'): Promise<void> {
    this.#closing = true;
    const all = [...this.#connections];
    for (const connection of all) connection.close(code, reason);
    await Promise.race([
      Promise.all(all.map((c) => c.closed)),
      new Promise((resolve) => setTimeout(resolve, 500).unref()),
    ]);
    this.#batcher.flush();
    this.#batcher.close();
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()));
  }

  /** `forwarded`: a sibling passed it on (it is never passed on again). */
  #onPacket(msg: Buffer, rinfo: Pick<RemoteInfo, 'address' | 'port'>, forwarded = false): void {
    if (!forwarded) this.#packetsReceived++; // counted once, where the kernel delivered it
    const from = { host: rinfo.address, port: rinfo.port };
    // Short headers (RFC 9000 §17.3) carry our 20-byte CID right after the first byte: route
    // them without asking quiche to parse the header (most packets of a busy connection).
    if (msg.length > CID_BYTES && (msg[0] as number) < 0x80) {
      const dcid = msg.subarray(1, 1 + CID_BYTES);
      const connection = this.#byCid.get(cidKey(dcid));
      if (connection) connection.receive(msg, from);
      else if (forwarded || !this.#forward(dcid, msg, from)) this.#packetsDropped++;
      return;
    }
    let header: ReturnType<typeof quiche.Header.fromSlice>;
    try {
      header = quiche.Header.fromSlice(msg, CID_BYTES);
    } catch {
      this.#packetsDropped++; // not QUIC: ignore without a reply
      return;
    }
    const known = this.#byCid.get(cidKey(header.dcid));
    if (known) {
      known.receive(msg, from);
      return;
    }
    if (!forwarded && this.#forward(header.dcid, msg, from)) return;
    if (header.ty !== PacketType.Initial) {
      this.#packetsDropped++;
      return;
    }
    if (!quiche.versionIsSupported(header.version)) {
      this.#negotiateVersion(header.scid, header.dcid, from);
      return;
    }
    if (this.#validator.overAddressCap(from.host)) {
      this.#packetsDropped++;
      return;
    }
    let odcid: Uint8Array | null = null;
    if (header.token && header.token.length > 0) {
      odcid = this.#validator.validate(header.token, from) ?? null;
      if (!odcid) {
        this.#packetsDropped++; // a forged, replayed or stale token: no state, no reply
        return;
      }
    } else if (this.#validator.retrying) {
      this.#retry(header.scid, header.dcid, header.version, from);
      return;
    }
    this.#accept(header.dcid, msg, from, odcid);
  }

  /** RFC 9000 §8.1.2: a Retry with a token; the client comes back to a CID of our choosing. */
  #retry(scid: Uint8Array, dcid: Uint8Array, version: number, to: HostPort): void {
    const out = Buffer.allocUnsafe(1350);
    try {
      const token = this.#validator.token(to, dcid);
      const length = quiche.retry(scid, dcid, this.#newCid(), token, version, out);
      sendOn(this.#socket)(out.subarray(0, length), to);
      this.#retriesSent++;
    } catch {
      this.#packetsDropped++;
    }
  }

  #negotiateVersion(scid: Uint8Array, dcid: Uint8Array, to: HostPort): void {
    const out = Buffer.allocUnsafe(1350);
    try {
      const length = quiche.negotiateVersion(scid, dcid, out);
      sendOn(this.#socket)(out.subarray(0, length), to);
    } catch {
      this.#packetsDropped++;
    }
  }

  /** A connection ID of ours: random, its first byte this endpoint's id among siblings. */
  #newCid(): Buffer {
    const cid = randomBytes(CID_BYTES);
    if (this.#options.routing) cid[0] = this.#options.routing.id;
    return cid;
  }

  /**
   * Passes on a packet whose connection ID names a sibling (see CidForwarder). A client's first
   * Initial carries an ID of its own choosing: when its first byte happens to name a sibling,
   * that sibling accepts the connection instead, which is as good.
   */
  #forward(dcid: Uint8Array, msg: Buffer, from: HostPort): boolean {
    const routing = this.#options.routing;
    if (!routing || dcid.length !== CID_BYTES || dcid[0] === routing.id) return false;
    if (!routing.forwarder.forward(dcid[0] as number, msg, from)) return false;
    this.#packetsForwarded++;
    return true;
  }

  #accept(clientDcid: Uint8Array, msg: Buffer, from: HostPort, odcid: Uint8Array | null): void {
    const max = this.#options.maxConnections ?? 10_000;
    if (msg.length < quiche.MIN_CLIENT_INITIAL_LEN || this.#connections.size >= max) {
      this.#packetsDropped++;
      return;
    }
    // After a Retry the client already uses the CID we gave it; quiche checks the token's odcid.
    const scid = odcid ? clientDcid : this.#newCid();
    let native: ReturnType<typeof quiche.Connection.accept>;
    try {
      native = quiche.Connection.accept(scid, odcid, this.#local, from, this.#options.config());
    } catch {
      this.#packetsDropped++;
      return;
    }
    const connection = new QuicConnection(
      native,
      this.#batcher,
      this.#local,
      true,
      this.#options.pacing,
    );
    const keys = [cidKey(clientDcid), cidKey(scid)];
    for (const key of keys) this.#byCid.set(key, connection);
    this.#connections.add(connection);
    this.#validator.track(from.host, Promise.race([connection.established, connection.closed]));
    void connection.closed.then(() => {
      for (const key of keys) this.#byCid.delete(key);
      this.#connections.delete(connection);
    });
    this.#options.onConnection(connection, from);
    connection.receive(msg, from);
  }
}

export interface QuicConnectOptions {
  host: string;
  port: number;
  serverName?: string;
  config: Config;
  /** How the connection paces its packets (`pacingFor(quicOptions)`); default on. */
  pacing?: PacerOptions | false;
}

/** A client connection on its own UDP socket; the socket closes with the connection. */
export async function connectQuic(options: QuicConnectOptions): Promise<QuicConnection> {
  // quiche takes socket addresses only: resolve a host name here, keep it for SNI.
  const host = isIP(options.host) ? options.host : await resolveHost(options.host);
  options = { ...options, host, serverName: options.serverName ?? options.host };
  const v6 = isIPv6(options.host);
  const socket = await bindSocket(v6 ? '::' : '0.0.0.0', 0);
  const address = socket.address();
  const local = { host: address.address, port: address.port };
  const remote = { host: options.host, port: options.port };
  let native: ReturnType<typeof quiche.Connection.connect>;
  try {
    const name = options.serverName ?? options.host;
    native = quiche.Connection.connect(name, randomBytes(CID_BYTES), local, remote, options.config);
  } catch (error) {
    socket.close();
    throw new QuicError('CONFIG', `cannot start QUIC connection: ${String(error)}`);
  }
  // A connected socket skips the per-packet address lookup that unconnected sends pay.
  await new Promise<void>((resolve) => socket.connect(options.port, options.host, resolve));
  const batcher = new DatagramBatcher(socket, true);
  const connection = new QuicConnection(native, batcher, local, false, options.pacing);
  socket.on('message', (msg, rinfo) =>
    connection.receive(msg, { host: rinfo.address, port: rinfo.port }),
  );
  socket.on('error', () => {
    // Loss-like; QUIC's own timers decide when the peer is gone.
  });
  void connection.closed.then(() => {
    batcher.close();
    socket.close();
  });
  connection.schedule();
  return connection;
}

async function resolveHost(host: string): Promise<string> {
  try {
    return (await lookup(host)).address;
  } catch (error) {
    throw new QuicError('CONFIG', `cannot resolve ${host}: ${String(error)}`);
  }
}
