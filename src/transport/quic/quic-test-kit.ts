/**
 * Test helpers for raw QUIC connections: a deterministic payload, a reader that hands every
 * chunk on, and a UDP path between client and server that can drop packets.
 */
import { createHash, type Hash } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { QuicConnection } from './quic-connection.js';

export const ALPN = 'quic-test';
export const TRANSFER_BYTES = 3 * 1024 * 1024;

/** TRANSFER_BYTES of a fixed pseudo-random sequence (same bytes every call). */
export function payload(sizeBytes = TRANSFER_BYTES): Buffer {
  const out = Buffer.alloc(sizeBytes);
  let x = 0x12345678;
  for (let i = 0; i < out.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** Makes `connection`'s handler read every stream to the end, chunk by chunk. */
export function readAll(
  connection: QuicConnection,
  onChunk: (streamId: number, data: Uint8Array | undefined, fin: boolean) => void,
): void {
  connection.handler = {
    onEstablished: () => undefined,
    onDatagram: () => undefined,
    onClosed: () => undefined,
    onStreamReadable: (streamId) => {
      for (;;) {
        const { data, fin } = connection.read(streamId);
        if (!data && !fin) return;
        onChunk(streamId, data, fin);
        if (fin) return;
      }
    },
  };
}

/** Makes `connection` write every stream back on itself (the far end of an echo transfer). */
export function echoStreams(connection: QuicConnection): void {
  readAll(connection, (streamId, data, fin) => {
    void connection.write(streamId, data ?? new Uint8Array(0), fin).catch(() => undefined);
  });
}

/** What `connection` receives, counted and hashed; `done` once a stream has finished. */
export class ReceivedDigest {
  bytes = 0;
  done = false;
  #hash: Hash = createHash('sha256');

  constructor(connection: QuicConnection) {
    readAll(connection, (_streamId, data, fin) => {
      if (data) {
        this.#hash.update(data);
        this.bytes += data.length;
      }
      if (fin) this.done = true;
    });
  }

  /** The SHA-256 of everything received (once: the hash is then finished). */
  digest(): string {
    return this.#hash.digest('hex');
  }
}

/** The SHA-256 of `bytes`, to compare with a ReceivedDigest. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * A UDP forwarder between one client and a server on loopback. `drop` decides per packet
 * (either direction) whether it is lost; the client dials `port`.
 */
export class LossyPath {
  readonly port: number;
  /** Packets forwarded and dropped so far. */
  forwarded = 0;
  dropped = 0;
  drop: (index: number) => boolean = () => false;
  #socket: Socket;
  #serverPort: number;
  /** Every server port this path has led to: what comes from one goes to the client. */
  #serverPorts = new Set<number>();
  #client: RemoteInfo | undefined;
  #index = 0;

  private constructor(socket: Socket, serverPort: number) {
    this.#socket = socket;
    this.#serverPort = serverPort;
    this.#serverPorts.add(serverPort);
    this.port = socket.address().port;
    socket.on('message', (msg, from) => this.#forward(msg, from));
  }

  static async open(serverPort: number): Promise<LossyPath> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new LossyPath(socket, serverPort);
  }

  /** From now on the client's packets go to `serverPort` (a client whose route changed). */
  retarget(serverPort: number): void {
    this.#serverPort = serverPort;
    this.#serverPorts.add(serverPort);
  }

  #forward(msg: Buffer, from: RemoteInfo): void {
    const fromServer = this.#serverPorts.has(from.port);
    if (!fromServer) this.#client = from;
    if (this.drop(this.#index++)) {
      this.dropped++;
      return;
    }
    const to = fromServer ? this.#client : { port: this.#serverPort, address: '127.0.0.1' };
    if (!to) return;
    this.forwarded++;
    this.#socket.send(msg, to.port, to.address);
  }

  close(): void {
    this.#socket.close();
  }
}
