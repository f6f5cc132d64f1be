/**
 * `npm run bench:udp-send`: the relay's UDP send path alone, each mode side by side in one run:
 * js (one socket.send per packet, as Node does), sendmmsg (native batch), gso (batch + UDP GSO).
 * One process sends 1,350-byte packets in runs of RUN to each of PEERS receiving sockets (in a
 * child process, so their CPU is not ours), as a relay flushing many connections would; this
 * process's own CPU time (process.cpuUsage) per GB is the figure, which other load on the
 * machine does not inflate the way wall-clock figures are.
 * BENCH_PACKETS=200000, BENCH_PEERS=50, BENCH_RUN=8.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { cpus, loadavg } from 'node:os';
import { DatagramBatcher } from '../src/transport/quic/datagram-batcher.js';
import { resetUdpBatchAddon, udpBatchAddon } from '../src/transport/quic/udp-batch-addon.js';

const PACKET_BYTES = 1350;
const packets = Number(process.env.BENCH_PACKETS ?? 200_000);
const peers = Number(process.env.BENCH_PEERS ?? 50);
const run = Number(process.env.BENCH_RUN ?? 8);
const MODES: Record<string, Record<string, string>> = {
  js: { MOQ_UDP_BATCH: '0' },
  sendmmsg: { MOQ_UDP_BATCH: '1', MOQ_UDP_GSO: '0' },
  gso: { MOQ_UDP_BATCH: '1', MOQ_UDP_GSO: '1' },
};

if (process.argv[2] === 'receivers') {
  // Child: PEERS sockets that read and count; reports their ports, then counts on request.
  const sockets: Socket[] = [];
  let received = 0;
  for (let i = 0; i < peers; i++) {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    socket.setRecvBufferSize(4 * 1024 * 1024);
    socket.on('message', () => received++);
    sockets.push(socket);
  }
  process.send?.({ ports: sockets.map((s) => s.address().port) });
  process.on('message', (message: string) => {
    if (message === 'count') process.send?.({ received });
    if (message === 'exit') process.exit(0);
  });
} else {
  await main();
}

function reply<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve) => child.once('message', (m) => resolve(m as T)));
}

async function measure(mode: string, ports: number[], child: ChildProcess): Promise<string> {
  for (const key of ['MOQ_UDP_BATCH', 'MOQ_UDP_GSO']) delete process.env[key];
  Object.assign(process.env, MODES[mode]);
  resetUdpBatchAddon();
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  socket.setSendBufferSize(4 * 1024 * 1024);
  const batcher = new DatagramBatcher(socket, false);
  const payload = Buffer.alloc(PACKET_BYTES, 7);
  const before = reply<{ received: number }>(child);
  child.send('count');
  const start = (await before).received;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let sent = 0;
  // One "tick" sends a run to each of a slice of peers, then yields like the event loop would.
  while (sent < packets) {
    for (let p = 0; p < peers && sent < packets; p++) {
      const to = { host: '127.0.0.1', port: ports[p]! };
      for (let k = 0; k < run && sent < packets; k++, sent++) {
        payload.copy(batcher.slot());
        batcher.commit(PACKET_BYTES, to);
      }
      if (p % 4 === 3) await new Promise((resolve) => setImmediate(resolve));
    }
    // Let the socket drain when libuv holds a backlog (what a congestion window would do).
    while (socket.getSendQueueCount() > 0) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await new Promise((resolve) => setImmediate(resolve));
  while (socket.getSendQueueCount() > 0) await new Promise((resolve) => setTimeout(resolve, 1));
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 300));
  const after = reply<{ received: number }>(child);
  child.send('count');
  const received = (await after).received - start;
  socket.close();
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const gb = (packets * PACKET_BYTES) / 1e9;
  const actual =
    udpBatchAddon().mode === 'native' || mode === 'js' ? mode : `js (${udpBatchAddon().mode})`;
  return `| ${actual} | ${packets} | ${fixed((cpuSeconds * 1e6) / packets, 2)} | ${fixed(cpu.user / 1e6 / gb, 1)} | ${fixed(cpu.system / 1e6 / gb, 1)} | ${fixed(cpuSeconds / gb, 1)} | ${fixed((gb * 8000) / seconds, 0)} | ${batcher.stats.batches} | ${batcher.stats.fallbackPackets} | ${fixed((100 * received) / packets, 1)} |`;
}

function fixed(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

async function main(): Promise<void> {
  const child = fork(new URL(import.meta.url).pathname, ['receivers'], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_PEERS: String(peers) },
  });
  const { ports } = await reply<{ ports: number[] }>(child);
  console.log(
    `udp send path: ${packets} × ${PACKET_BYTES} B to ${peers} peers in runs of ${run}; ` +
      `${cpus().length} cores, load average ${loadavg()
        .map((l) => fixed(l))
        .join(' ')}`,
  );
  const rows: string[] = [];
  for (const mode of (process.env.BENCH_SEND_MODES ?? 'js,sendmmsg,gso').split(',')) {
    rows.push(await measure(mode, ports, child));
  }
  console.log(
    '\n| sends | packets | CPU µs / packet | user CPU-s / GB | system CPU-s / GB | CPU-s / GB | Mbit/s | sendmmsg calls | socket.send packets | received % |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows) console.log(row);
  console.log(
    `load average after: ${loadavg()
      .map((l) => fixed(l))
      .join(' ')}`,
  );
  child.send('exit');
  process.exit(0);
}
