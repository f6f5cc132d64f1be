/**
 * `npm run bench:cluster`: the delay each relay hop adds. One publisher on relay R1; viewers on
 * R1 (1 hop), on R2 reading from R1 (2 hops) and on R3 whose upstream is R2 (3 hops), all at
 * once over QUIC on loopback, in one process (so one clock). Every object carries its send time;
 * a viewer's delay is receive − send. BENCH_SECONDS=20, BENCH_FPS=30, BENCH_OBJECT_BYTES=5000.
 */
import { connectRelay } from '../src/client/index.js';
import { BroadcastProducer, GroupConsumer, type MoqSession } from '../src/moq/index.js';
import { MemoryRegistry } from '../src/relay/cluster/index.js';
import { Relay } from '../src/relay/index.js';
import { nodeDialers } from '../src/transport/index.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const fps = Number(process.env.BENCH_FPS ?? 30);
const objectBytes = Number(process.env.BENCH_OBJECT_BYTES ?? 5000);
const registry = new MemoryRegistry();

async function relay(upstream?: Relay): Promise<Relay> {
  return Relay.start({
    host: '127.0.0.1',
    port: 0,
    peerBind: { host: '127.0.0.1', port: 0 },
    cluster: { registry: registry.member(), upstream: upstream?.cluster?.node },
  });
}

async function open(target: Relay): Promise<MoqSession> {
  const url = `http://127.0.0.1:${target.port}/`;
  return (await connectRelay(url, nodeDialers, { transport: 'quic' })).session;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function watch(session: MoqSession, ns: string[], delays: number[], stop: AbortSignal) {
  const reader = await session.subscribe(ns, 'video');
  try {
    for (;;) {
      const group = await reader.nextGroup(stop);
      if (group === undefined) return;
      if (!(group instanceof GroupConsumer)) continue;
      void (async () => {
        for (let o = await group.readObject(stop); o; o = await group.readObject(stop)) {
          const sent = new DataView(o.payload.buffer, o.payload.byteOffset).getFloat64(0);
          delays.push(performance.now() - sent);
        }
      })().catch(() => undefined);
    }
  } catch {
    // stopped
  }
}

const r1 = await relay();
const r2 = await relay();
const r3 = await relay(r2);
const ns = ['bench', 'hops'];
const publisher = await open(r1);
const broadcast = new BroadcastProducer(ns);
const track = broadcast.createTrack('video');
await publisher.publish(broadcast);
while (!r2.origin.route(ns) || !r3.origin.route(ns)) await new Promise((r) => setTimeout(r, 20));

const stop = new AbortController();
const paths = [
  { hops: 1, relay: r1, delays: [] as number[] },
  { hops: 2, relay: r2, delays: [] as number[] },
  { hops: 3, relay: r3, delays: [] as number[] },
];
const viewers = await Promise.all(paths.map((p) => open(p.relay)));
const watching = paths.map((p, i) => watch(viewers[i] as MoqSession, ns, p.delays, stop.signal));
await new Promise((r) => setTimeout(r, 300));

const frameMs = 1000 / fps;
const started = performance.now();
let group = track.createGroup();
for (let frame = 0; performance.now() - started < seconds * 1000; frame++) {
  if (frame > 0 && frame % fps === 0) {
    group.close();
    group = track.createGroup();
  }
  const payload = new Uint8Array(objectBytes);
  new DataView(payload.buffer).setFloat64(0, performance.now());
  group.write(payload);
  const next = started + (frame + 1) * frameMs;
  await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
}
group.close();
await new Promise((r) => setTimeout(r, 500));
stop.abort();
await Promise.allSettled(watching);

console.log(`\n${seconds} s, ${fps} objects/s of ${objectBytes} bytes, QUIC on loopback\n`);
console.log('| path | objects | p50 ms | p95 ms | added per hop over 1 hop, p50 ms |');
console.log('| --- | --- | --- | --- | --- |');
const base = percentile(
  [...paths[0]!.delays].sort((a, b) => a - b),
  50,
);
for (const p of paths) {
  const sorted = [...p.delays].sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  const added = p.hops === 1 ? '—' : ((p50 - base) / (p.hops - 1)).toFixed(2);
  console.log(
    `| ${p.hops} hop${p.hops > 1 ? 's' : ''} | ${sorted.length} | ${p50.toFixed(2)} | ${percentile(sorted, 95).toFixed(2)} | ${added} |`,
  );
}
for (const v of viewers) v.close();
publisher.close();
await Promise.all([r3.close(), r2.close(), r1.close()]);
process.exit(0);
