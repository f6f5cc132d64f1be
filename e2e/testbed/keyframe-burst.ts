// A video-shaped stream over a shaped link, from a QUIC server here to quic-sink.ts inside a
// namespace: 30 frames a second, one stream per frame, a large keyframe every second. Reports
// what the link did with each frame (delivery time) and what the server's QUIC lost — the
// measure of pacing, shared by `npm run bench:pacing` and e2e/quic-pacing.test.ts.
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { generateCertificate } from '../../src/transport/cert/generate.js';
import {
  createQuicheConfig,
  pacingFor,
  QuicServerEndpoint,
  type CongestionControl,
  type QuicConnection,
} from '../../src/transport/quic/index.js';
import { delay, until, withTimeout } from '../../src/async/index.js';
import type { NetnsLink } from './netns-link.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ALPN = 'quic-test';
const FRAME_INTERVAL_MS = 1000 / 30;

export interface BurstStream {
  seconds: number;
  keyframeBytes: number;
  deltaBytes: number;
  pacing: boolean;
  /** Round trip added inside the namespace (udp-delay-proxy.ts delays the reader's packets). */
  rttMs: number;
  congestionControl?: CongestionControl;
}

export interface BurstResult {
  pacing: boolean;
  frames: number;
  delivered: number;
  /** Frames that arrived with another length than was sent (none, unless bytes were lost). */
  damaged: number;
  /** Times the server held packets back to pace them. */
  pacerHolds: number;
  /** Send → last byte received, per frame, in milliseconds (sorted). */
  keyframeDelaysMs: number[];
  deltaDelaysMs: number[];
  packetsSent: number;
  packetsLost: number;
  bytesLost: number;
}

/** Streams `stream.seconds` of frames to a sink inside `link`'s namespace; resolves with what it saw. */
export async function runKeyframeBurst(
  link: NetnsLink,
  stream: BurstStream,
  signal?: AbortSignal,
): Promise<BurstResult> {
  const cert = await generateCertificate({});
  let accept!: (connection: QuicConnection) => void;
  const accepted = new Promise<QuicConnection>((resolve) => (accept = resolve));
  const server = await QuicServerEndpoint.listen({
    host: link.hostAddress,
    port: 0,
    pacing: stream.pacing && pacingFor({ congestionControl: stream.congestionControl }),
    config: () =>
      createQuicheConfig(
        { alpn: [ALPN], congestionControl: stream.congestionControl },
        { certPem: cert.certPem, keyPem: cert.keyPem },
        false,
      ),
    onConnection: (connection) => accept(connection),
  });
  const arrivals = new Map<number, Arrival>();
  const stderr: string[] = [];
  const spawn = (script: string, args: string[], onLine: (line: string) => void) => {
    const child = link.spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
    createInterface({ input: child.stdout! }).on('line', onLine);
    return child;
  };
  let proxyPort!: (port: number) => void;
  const proxyListening = new Promise<number>((resolve) => (proxyPort = resolve));
  const proxyArgs = [link.hostAddress, String(server.port), String(stream.rttMs)];
  const proxy = spawn('e2e/testbed/udp-delay-proxy.ts', proxyArgs, (line) =>
    proxyPort((JSON.parse(line) as { port: number }).port),
  );
  let sink: ReturnType<typeof spawn> | undefined;
  try {
    const port = await withTimeout(proxyListening, 20_000, 'the delay proxy starting');
    sink = spawn('e2e/testbed/quic-sink.ts', ['127.0.0.1', String(port)], (line) => {
      const parsed = JSON.parse(line) as Partial<Arrival> & { streamId?: number };
      if (parsed.streamId !== undefined && parsed.atMs !== undefined) {
        arrivals.set(parsed.streamId, { atMs: parsed.atMs, bytes: parsed.bytes ?? 0 });
      }
    });
    const connection = await withTimeout(accepted, 20_000, 'the sink connecting');
    await withTimeout(connection.established, 20_000, 'the handshake with the sink');
    const sent = await sendFrames(connection, stream, signal);
    // Frames still missing after this are counted as not delivered.
    await until('every frame at the sink', () => arrivals.size >= sent.size, {
      timeoutMs: 10_000,
      signal,
    }).catch(() => undefined);
    const stats = connection.stats();
    connection.close(0, 'done');
    return summarize(stream, sent, arrivals, stats);
  } catch (error) {
    throw new Error(`${String(error)}; sink said: ${stderr.slice(-3).join(' | ')}`, {
      cause: error,
    });
  } finally {
    sink?.kill('SIGKILL');
    proxy.kill('SIGKILL');
    await server.close();
  }
}

interface Sent {
  atMs: number;
  keyframe: boolean;
  bytes: number;
}

interface Arrival {
  atMs: number;
  bytes: number;
}

async function sendFrames(
  connection: QuicConnection,
  stream: BurstStream,
  signal?: AbortSignal,
): Promise<Map<number, Sent>> {
  const sent = new Map<number, Sent>();
  const frames = Math.round(stream.seconds * 30);
  const startMs = now();
  for (let frame = 0; frame < frames; frame++) {
    signal?.throwIfAborted();
    const dueMs = startMs + frame * FRAME_INTERVAL_MS;
    if (dueMs > now()) await delay(dueMs - now(), signal);
    const keyframe = frame % 30 === 0;
    const body = new Uint8Array(keyframe ? stream.keyframeBytes : stream.deltaBytes).fill(frame);
    const atMs = now();
    const streamId = await connection.openStream(false, body.subarray(0, 1), signal);
    sent.set(streamId, { atMs, keyframe, bytes: body.length });
    void connection.write(streamId, body.subarray(1), true).catch(() => undefined);
  }
  return sent;
}

function summarize(
  stream: BurstStream,
  sent: Map<number, Sent>,
  arrivals: Map<number, Arrival>,
  stats: ReturnType<QuicConnection['stats']>,
): BurstResult {
  const keyframeDelaysMs: number[] = [];
  const deltaDelaysMs: number[] = [];
  let damaged = 0;
  for (const [streamId, { atMs, keyframe, bytes }] of sent) {
    const arrival = arrivals.get(streamId);
    if (arrival === undefined) continue;
    if (arrival.bytes !== bytes) damaged++;
    (keyframe ? keyframeDelaysMs : deltaDelaysMs).push(arrival.atMs - atMs);
  }
  keyframeDelaysMs.sort((a, b) => a - b);
  deltaDelaysMs.sort((a, b) => a - b);
  return {
    pacing: stream.pacing,
    frames: sent.size,
    delivered: keyframeDelaysMs.length + deltaDelaysMs.length,
    damaged,
    pacerHolds: stats.pacerHolds ?? 0,
    keyframeDelaysMs,
    deltaDelaysMs,
    packetsSent: stats.packetsSent,
    packetsLost: stats.packetsLost,
    bytesLost: stats.bytesLost,
  };
}

function now(): number {
  return performance.timeOrigin + performance.now();
}
