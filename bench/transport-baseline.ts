/**
 * The raw transport's throughput, measured: a Node client writes streams over one WebTransport
 * session to our server in its own process (bench/transport-server.ts), loopback. Used by
 * `npm run bench:transport` (its cases) and `npm run bench:relay` (its baseline, measured in the
 * same run as the relay's egress).
 */
import type { ChildProcess } from 'node:child_process';
import type { CongestionControl } from '../src/transport/quic/index.js';
import { connectWebTransport, type ClientSession } from '../src/transport/webtransport/index.js';
import { forkChild, stopChild } from './relay-ipc.js';

const CHUNK_BYTES = 64 * 1024;
export const MB = 1024 * 1024;

export interface Listening {
  wtPort: number;
  rawPort: number;
  hash: string;
}

export interface Figures {
  mbPerSec: number;
  clientCpuPerGb: number;
  serverCpuPerGb: number;
}

/** Writes one stream of `sizeBytes`. */
export type Sender = (sizeBytes: number) => Promise<void>;

export function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (message: { type: string } & T): void => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
  });
}

export function wtSender(session: ClientSession): Sender {
  return async (sizeBytes) => {
    const writer = (await session.createUnidirectionalStream()).getWriter();
    const chunk = new Uint8Array(CHUNK_BYTES).fill(7);
    for (let sent = 0; sent < sizeBytes; sent += CHUNK_BYTES) {
      await writer.write(chunk.subarray(0, Math.min(CHUNK_BYTES, sizeBytes - sent)));
    }
    await writer.close();
  };
}

/** `streams` streams of `sizeBytes` at once; the server says when it has every byte. */
export async function measure(
  server: ChildProcess,
  streams: number,
  sizeBytes: number,
  send: Sender,
): Promise<Figures> {
  server.send({ type: 'expect', bytes: streams * sizeBytes });
  await nextMessage(server, 'ready');
  const done = nextMessage<{ cpuSeconds: number }>(server, 'done');
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: streams }, () => send(sizeBytes)));
  const { cpuSeconds: serverCpu } = await done;
  const seconds = (performance.now() - started) / 1000;
  const clientCpu = process.cpuUsage(cpu);
  const gb = (streams * sizeBytes) / 1024 ** 3;
  return {
    mbPerSec: (streams * sizeBytes) / MB / seconds,
    clientCpuPerGb: (clientCpu.user + clientCpu.system) / 1e6 / gb,
    serverCpuPerGb: serverCpu / gb,
  };
}

/** The receiving server, forked (BENCH_PROFILE=1: it writes a CPU profile to /tmp/prof). */
export async function startTransportServer(): Promise<{ server: ChildProcess } & Listening> {
  const server = forkChild('./transport-server.ts', process.env.BENCH_PROFILE ? '/tmp/prof' : '');
  return { server, ...(await nextMessage<Listening>(server, 'listening')) };
}

export async function connectBench(
  listening: Listening,
  congestionControl: CongestionControl,
): Promise<ClientSession> {
  return connectWebTransport(`https://127.0.0.1:${listening.wtPort}/bench`, {
    serverCertificateHashes: [{ algorithm: 'sha-256', value: Buffer.from(listening.hash, 'hex') }],
    quic: { congestionControl },
  });
}

/**
 * 100 × 1 MB streams over one WebTransport session, after a warm-up (JIT, congestion window):
 * what this machine's transport carries at most, in Mbit/s (1 MB = 2^20 bytes).
 */
export async function measureTransportBaselineMbps(
  congestionControl: CongestionControl,
): Promise<number> {
  const listening = await startTransportServer();
  try {
    const session = await connectBench(listening, congestionControl);
    try {
      const send = wtSender(session);
      await measure(listening.server, 4, 4 * MB, send);
      const figures = await measure(listening.server, 100, 1 * MB, send);
      return (figures.mbPerSec * MB * 8) / 1e6;
    } finally {
      session.close();
    }
  } finally {
    await stopChild(listening.server);
  }
}
