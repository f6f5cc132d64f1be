import { timingSafeEqual } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import type { HostPort } from './quiche.js';

/** Bytes of the secret every forwarded packet starts with. */
export const FORWARD_SECRET_BYTES = 16;
const LOOPBACK = '127.0.0.1';

/**
 * Hands a QUIC packet to the sibling endpoint whose connection it belongs to. Processes sharing a
 * port through SO_REUSEPORT get packets by a hash of the 4-tuple over the group's sockets in
 * order; when one process restarts (its socket leaves and rejoins at the end) or a client's
 * address changes (NAT rebinding), packets of a live connection reach a process that does not
 * hold it. Each endpoint puts its id in the first byte of the connection IDs it issues
 * (`QuicRouting`), so the one that receives such a packet knows where it belongs and passes it
 * on over loopback, with the peer's address, to be handled as if received there.
 *
 * Wire: secret (16 bytes, shared by the siblings) · address length (1) · address (ASCII) · port
 * (2) · the QUIC packet. Anything else reaching the socket is dropped.
 */
export class CidForwarder {
  readonly #socket: Socket;
  readonly #secret: Buffer;
  /** Read once: forward() compares it for every packet. */
  readonly port: number;
  #peers = new Map<number, number>();
  #onPacket: ((packet: Buffer, from: HostPort) => void) | undefined;
  #closed = false;
  /** Packets passed on, packets taken in, and packets refused (bad secret or framing). */
  readonly stats = { forwarded: 0, received: 0, refused: 0 };

  private constructor(socket: Socket, secret: Buffer) {
    this.#socket = socket;
    this.#secret = secret;
    this.port = socket.address().port;
    socket.on('message', (msg, rinfo) => this.#receive(msg, rinfo));
    socket.on('error', () => {
      // A sibling that is gone: its packets are lost, as they were before forwarding.
    });
  }

  /** A forwarder on a loopback port of its own; `secret` is shared by every sibling. */
  static async bind(secret: Uint8Array): Promise<CidForwarder> {
    if (secret.length !== FORWARD_SECRET_BYTES) {
      throw new RangeError(`a forwarding secret is ${FORWARD_SECRET_BYTES} bytes`);
    }
    const socket = createSocket({ type: 'udp4' });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, LOOPBACK, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new CidForwarder(socket, Buffer.from(secret));
  }

  /** The siblings' forwarding ports by endpoint id (this endpoint's own may be among them). */
  setPeers(ports: ReadonlyMap<number, number>): void {
    this.#peers = new Map(ports);
  }

  /** Where packets forwarded to this endpoint go (its endpoint's receive path). */
  onPacket(handler: (packet: Buffer, from: HostPort) => void): void {
    this.#onPacket = handler;
  }

  /** Passes `packet`, received from `from`, to endpoint `id`; false when no such sibling is known. */
  forward(id: number, packet: Buffer, from: HostPort): boolean {
    const port = this.#peers.get(id);
    if (port === undefined || port === this.port || this.#closed) return false;
    const address = Buffer.from(from.host, 'latin1');
    const head = Buffer.allocUnsafe(FORWARD_SECRET_BYTES + 1 + address.length + 2);
    this.#secret.copy(head, 0);
    head.writeUInt8(address.length, FORWARD_SECRET_BYTES);
    address.copy(head, FORWARD_SECRET_BYTES + 1);
    head.writeUInt16BE(from.port, FORWARD_SECRET_BYTES + 1 + address.length);
    this.#socket.send([head, packet], port, LOOPBACK, () => {
      // A failed send is loss; QUIC recovers from it.
    });
    this.stats.forwarded++;
    return true;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.close();
  }

  #receive(msg: Buffer, rinfo: RemoteInfo): void {
    const from = rinfo.address === LOOPBACK ? this.#unwrap(msg) : undefined;
    if (!from) {
      this.stats.refused++;
      return;
    }
    this.stats.received++;
    this.#onPacket?.(from.packet, from.peer);
  }

  #unwrap(msg: Buffer): { packet: Buffer; peer: HostPort } | undefined {
    const fixed = FORWARD_SECRET_BYTES + 1;
    if (msg.length <= fixed + 2) return undefined;
    if (!timingSafeEqual(msg.subarray(0, FORWARD_SECRET_BYTES), this.#secret)) return undefined;
    const length = msg.readUInt8(FORWARD_SECRET_BYTES);
    if (msg.length <= fixed + length + 2) return undefined;
    const host = msg.toString('latin1', fixed, fixed + length);
    if (isIP(host) === 0) return undefined;
    const port = msg.readUInt16BE(fixed + length);
    return { packet: msg.subarray(fixed + length + 2), peer: { host, port } };
  }
}

/** An endpoint's place among siblings sharing its port: its id, and how to reach the others. */
export interface QuicRouting {
  /** 0–255: the first byte of every connection ID this endpoint issues. */
  id: number;
  forwarder: CidForwarder;
}
