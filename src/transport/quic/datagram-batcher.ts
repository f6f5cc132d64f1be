import type { Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { HostPort } from './quiche.js';
import { udpBatchAddon, UDP_GSO_ENV, type UdpBatchAddon } from './udp-batch-addon.js';

/** Where a connection's flush writes packets: a buffer to fill, then the filled length. */
export interface PacketSink {
  /** A buffer for the next packet; valid until the following `commit`. */
  slot(): Buffer;
  /** Sends the first `length` bytes of the last slot (a connected socket ignores `to`). */
  commit(length: number, to: HostPort): void;
}

/** Largest UDP payload quiche writes (its max_send_udp_payload_size stays below this). */
export const SLOT_BYTES = 1500;
const ARENA_PACKETS = 256;
const ADDR_BYTES = 28; // sizeof(struct sockaddr_in6)
const ADDR_CACHE_MAX = 4096;
// errnos that mean "this kernel or device refuses UDP_SEGMENT": stop asking.
const GSO_REFUSED = new Set([5 /* EIO */, 22 /* EINVAL */, 95 /* EOPNOTSUPP */, 97]);

/** Figures for the bench and tests: how packets left. */
export interface BatcherStats {
  packets: number;
  /** sendmmsg calls (0 on the JavaScript path). */
  batches: number;
  /** Packets that went through socket.send (the JS path, or the rest of a short batch). */
  fallbackPackets: number;
}

/** The socket's file descriptor, found without the deprecated `_handle` getter; -1 if none. */
function socketFd(socket: Socket): number {
  const state = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol');
  const handle = state
    ? (socket as unknown as Record<symbol, { handle?: { fd?: number } }>)[state]?.handle
    : undefined;
  return typeof handle?.fd === 'number' ? handle.fd : -1;
}

/** struct sockaddr_in / sockaddr_in6 in the host's byte order for the family, network order for the rest. */
function encodeSockaddr(to: HostPort, out: Buffer): number {
  out.fill(0);
  if (isIPv6(to.host)) {
    out.writeUInt16LE(10, 0); // AF_INET6 (Linux)
    out.writeUInt16BE(to.port, 2);
    const [head, tail = ''] = to.host.split('%')[0]!.split('::');
    const parse = (part: string): number[] =>
      part === ''
        ? []
        : part
            .split(':')
            .flatMap((group) => (group.includes('.') ? v4Words(group) : [parseInt(group, 16)]));
    const front = parse(head ?? '');
    const back = to.host.includes('::') ? parse(tail) : [];
    const words = [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
    words.forEach((word, i) => out.writeUInt16BE(word, 8 + i * 2));
    return ADDR_BYTES;
  }
  out.writeUInt16LE(2, 0); // AF_INET
  out.writeUInt16BE(to.port, 2);
  to.host.split('.').forEach((octet, i) => out.writeUInt8(Number(octet), 4 + i));
  return 16;
}

function v4Words(dotted: string): number[] {
  const [a = 0, b = 0, c = 0, d = 0] = dotted.split('.').map(Number);
  return [(a << 8) | b, (c << 8) | d];
}

/**
 * Sends one socket's packets. With the native addon, packets are written straight into one
 * reused arena and leave in one sendmmsg(2) at the end of the current job (a connection's flush),
 * runs to one peer coalesced by UDP GSO; without it, each packet gets its own buffer and
 * socket.send, as Node does.
 */
export class DatagramBatcher implements PacketSink {
  readonly native: boolean;
  readonly stats: BatcherStats = { packets: 0, batches: 0, fallbackPackets: 0 };
  #socket: Socket;
  #addon: UdpBatchAddon | undefined;
  #fd = -1;
  #gso: number;
  #arena = Buffer.allocUnsafe(0);
  #lengths = new Uint32Array(ARENA_PACKETS);
  #addrs = Buffer.alloc(ARENA_PACKETS * ADDR_BYTES);
  #addrLens = new Uint32Array(ARENA_PACKETS);
  #addrCache = new Map<string, Buffer>();
  #lastAddress: { host: string; port: number; encoded: Buffer } | undefined;
  #count = 0;
  #fallbackSlot: Buffer | undefined;
  #flushQueued = false;
  #closed = false;
  #connected: boolean;

  /** `connected`: the socket was connect()ed, so packets carry no address. */
  constructor(
    socket: Socket,
    connected: boolean,
    addon: UdpBatchAddon | undefined = udpBatchAddon().addon,
  ) {
    this.#socket = socket;
    this.#connected = connected;
    this.#addon = addon;
    this.#gso = process.env[UDP_GSO_ENV] === '0' ? 0 : 1;
    if (addon) this.#fd = socketFd(socket);
    this.native = addon !== undefined && this.#fd >= 0;
    if (this.native) this.#arena = Buffer.allocUnsafe(ARENA_PACKETS * SLOT_BYTES);
  }

  slot(): Buffer {
    if (!this.native) return (this.#fallbackSlot = Buffer.allocUnsafe(SLOT_BYTES));
    if (this.#count === ARENA_PACKETS) this.flush();
    const offset = this.#count * SLOT_BYTES;
    return this.#arena.subarray(offset, offset + SLOT_BYTES);
  }

  commit(length: number, to: HostPort): void {
    if (this.#closed) return;
    const peer = this.#connected ? undefined : to;
    this.stats.packets++;
    if (!this.native) {
      const packet = this.#fallbackSlot;
      if (packet) this.#sendOne(packet.subarray(0, length), peer);
      return;
    }
    const index = this.#count++;
    this.#lengths[index] = length;
    this.#addrLens[index] = peer ? this.#address(peer, index) : 0;
    if (this.#count === ARENA_PACKETS) this.flush();
    else if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** Sends what is queued now. */
  flush(): void {
    this.#flushQueued = false;
    const count = this.#count;
    if (count === 0 || !this.#addon) return;
    this.#count = 0;
    if (this.#closed) return;
    // Packets libuv still holds (an earlier batch hit a full socket buffer) go first: a batch
    // sent past them would reorder the flow, and QUIC reads reordering past 3 packets as loss.
    const sent = this.#socket.getSendQueueCount() > 0 ? 0 : this.#sendBatch(count);
    if (sent > 0) this.stats.batches++;
    if (sent < count && this.#gso && GSO_REFUSED.has(this.#addon.lastErrno())) this.#gso = 0;
    // A full socket buffer (EAGAIN): libuv queues the rest and sends when the socket drains.
    for (let i = sent; i < count; i++) {
      const offset = i * SLOT_BYTES;
      const packet = Buffer.from(this.#arena.subarray(offset, offset + this.#lengths[i]!));
      this.#sendOne(packet, this.#addrLens[i] ? this.#hostPortAt(i) : undefined);
    }
  }

  #sendBatch(count: number): number {
    try {
      return this.#addon!.send(
        this.#fd,
        this.#arena,
        SLOT_BYTES,
        this.#lengths,
        this.#addrs,
        this.#addrLens,
        count,
        this.#gso,
      );
    } catch {
      return 0; // bad arguments cannot come from here; if they do, the JS path still delivers
    }
  }

  /** Stops sending (the socket is closing); queued packets are dropped, as loss. */
  close(): void {
    this.#closed = true;
    this.#count = 0;
  }

  #sendOne(packet: Buffer, to: HostPort | undefined): void {
    this.stats.fallbackPackets++;
    try {
      if (to) this.#socket.send(packet, to.port, to.host, () => undefined);
      else this.#socket.send(packet, () => undefined); // failed sends are loss; QUIC recovers
    } catch {
      // The socket closed under a connection's last timer (shutdown): nothing left to send to.
    }
  }

  #address(to: HostPort, index: number): number {
    // A flush sends to one peer: the last address is reused without building a cache key.
    const last = this.#lastAddress;
    let encoded = last && last.host === to.host && last.port === to.port ? last.encoded : undefined;
    if (!encoded) encoded = this.#cachedAddress(to);
    encoded.copy(this.#addrs, index * ADDR_BYTES);
    return encoded.length;
  }

  #cachedAddress(to: HostPort): Buffer {
    const key = `${to.host}|${to.port}`;
    let encoded = this.#addrCache.get(key);
    if (!encoded) {
      const scratch = Buffer.alloc(ADDR_BYTES);
      encoded = scratch.subarray(0, encodeSockaddr(to, scratch));
      if (this.#addrCache.size >= ADDR_CACHE_MAX) this.#addrCache.clear();
      this.#addrCache.set(key, encoded);
    }
    this.#lastAddress = { host: to.host, port: to.port, encoded };
    return encoded;
  }

  #hostPortAt(index: number): HostPort {
    const at = index * ADDR_BYTES;
    const port = this.#addrs.readUInt16BE(at + 2);
    if (this.#addrs.readUInt16LE(at) === 2) {
      return { host: [...this.#addrs.subarray(at + 4, at + 8)].join('.'), port };
    }
    const words: string[] = [];
    for (let i = 0; i < 8; i++) words.push(this.#addrs.readUInt16BE(at + 8 + i * 2).toString(16));
    return { host: words.join(':'), port };
  }
}
