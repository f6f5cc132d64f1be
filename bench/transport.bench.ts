/**
 * `npm run bench:transport`: Node client → our server over loopback, WebTransport over HTTP/3
 * against raw QUIC streams through the same quiche binding. Prints MB/s, CPU-seconds per GB on
 * each side, and the WebTransport/raw throughput ratio (goal ≥ 0.9).
 * BENCH_CC=cubic|bbr|reno picks the congestion controller (default: the product's, CUBIC).
 */
import {
  connectQuic,
  createQuicheConfig,
  defaultCongestionControl,
  type CongestionControl,
  type QuicConnection,
} from '../src/transport/quic/index.js';
import {
  MB,
  connectBench,
  measure,
  startTransportServer,
  wtSender,
  type Figures,
  type Sender,
} from './transport-baseline.js';
import { stopChild } from './relay-ipc.js';

const congestionControl = (process.env.BENCH_CC ?? defaultCongestionControl()) as CongestionControl;
const CHUNK_BYTES = 64 * 1024;

function rawSender(connection: QuicConnection): Sender {
  return async (sizeBytes) => {
    const chunk = new Uint8Array(CHUNK_BYTES).fill(7);
    const id = await connection.openStream(false, chunk.subarray(0, 1));
    for (let sent = 1; sent < sizeBytes; sent += CHUNK_BYTES) {
      await connection.write(id, chunk.subarray(0, Math.min(CHUNK_BYTES, sizeBytes - sent)), false);
    }
    await connection.write(id, new Uint8Array(0), true);
  };
}

async function rawConnection(port: number): Promise<QuicConnection> {
  const config = createQuicheConfig({ alpn: ['bench-raw'], congestionControl }, undefined, false);
  const connection = await connectQuic({ host: '127.0.0.1', port, config });
  await new Promise<void>((resolve) => {
    connection.handler = {
      onEstablished: resolve,
      onStreamReadable: () => undefined,
      onDatagram: () => undefined,
      onClosed: () => undefined,
    };
  });
  return connection;
}

const format = (f: Figures): string =>
  `${f.mbPerSec.toFixed(1).padStart(7)} MB/s   client ${f.clientCpuPerGb.toFixed(2)} CPU-s/GB   server ${f.serverCpuPerGb.toFixed(2)} CPU-s/GB`;

const listening = await startTransportServer();
const { server, rawPort } = listening;
const session = await connectBench(listening, congestionControl);
const raw = await rawConnection(rawPort);

console.log(
  `transport benchmark: loopback, congestion control ${congestionControl}, ${CHUNK_BYTES / 1024} KiB writes`,
);
// Warm up both paths (JIT, congestion window) before measuring.
await measure(server, 4, 4 * MB, wtSender(session));
await measure(server, 4, 4 * MB, rawSender(raw));

const cases: Array<[string, number, number]> = [
  ['1 × 100 MB uni stream', 1, 100 * MB],
  ['100 × 1 MB uni streams', 100, 1 * MB],
];
for (const [name, streams, size] of cases) {
  const wt = await measure(server, streams, size, wtSender(session));
  const base = await measure(server, streams, size, rawSender(raw));
  console.log(`\n${name}`);
  console.log(`  WebTransport/HTTP3  ${format(wt)}`);
  console.log(`  raw QUIC streams    ${format(base)}`);
  console.log(
    `  ratio WebTransport/raw throughput: ${(wt.mbPerSec / base.mbPerSec).toFixed(2)} (goal ≥ 0.9)`,
  );
}

console.log('\nclient WebTransport connection:', JSON.stringify(session.stats()));
session.close();
raw.close(0, 'done');
await stopChild(server);
process.exit(0);
