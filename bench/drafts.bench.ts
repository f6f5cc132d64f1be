/**
 * Draft-14, draft-16 and draft-18 side by side through one in-process relay over real QUIC on
 * loopback: one publisher and one subscriber of the same draft per run, G groups of O objects
 * of S bytes written as fast as the model takes them; prints delivery time, objects/s and MB/s
 * per draft, the ratio to draft-14, and the subgroup header + per-object framing bytes each
 * draft puts on the wire for the same stream. Rounds alternate the order (14,16,18 / 18,16,14)
 * so the machine's load drifts evenly. BENCH_GROUPS, BENCH_OBJECTS, BENCH_BYTES, BENCH_ROUNDS.
 */
import { protocolsForDraft } from '../src/client/index.js';
import { encodeSubgroupHeader, encodeSubgroupObject, GroupConsumer } from '../src/moq/index.js';
import { Relay } from '../src/relay/index.js';
import { join, publisher, until } from '../src/relay/relay-test-kit.js';

const GROUPS = Number(process.env.BENCH_GROUPS ?? 40);
const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 50);
const BYTES = Number(process.env.BENCH_BYTES ?? 1200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const DRAFTS = [14, 16, 18] as const;

async function once(relay: Relay, draft: number, run: number): Promise<number> {
  const ns = ['bench', `d${draft}`, `${run}`];
  const pub = await publisher(relay, ns, 'data', 'quic', protocolsForDraft(draft));
  const sub = await join(relay, 'quic', protocolsForDraft(draft));
  const consumer = await sub.subscribe(ns, 'data');
  await until(() => pub.track.consumerCount === 1);
  const payload = new Uint8Array(BYTES).fill(7);
  const started = performance.now();
  let objects = 0;
  const reading = (async () => {
    for (let next = await consumer.nextGroup(); next; next = await consumer.nextGroup()) {
      if (!(next instanceof GroupConsumer)) continue;
      while (await next.readObject()) objects++;
    }
  })();
  for (let g = 0; g < GROUPS; g++) {
    const group = pub.track.createGroup();
    for (let o = 0; o < OBJECTS; o++) group.write(payload);
    group.close();
    // Let the sender drain between groups, as a live source would (no group is dropped).
    await new Promise((resolve) => setImmediate(resolve));
  }
  pub.track.close();
  await reading;
  const elapsedMs = performance.now() - started;
  if (objects !== GROUPS * OBJECTS) throw new Error(`d${draft}: ${objects} objects arrived`);
  sub.close();
  pub.session.close();
  return elapsedMs;
}

/** Header and framing bytes of one group's stream as each draft writes it (payload excluded). */
function framingBytes(draft: number): number {
  const encoding = draft === 18 ? 'vi64' : 'quic';
  const header = encodeSubgroupHeader(
    {
      type: 0x19,
      trackAlias: 3,
      groupId: 1234,
      subgroupId: 0,
      publisherPriority: 128,
      firstObject: true,
    },
    encoding,
  ).length;
  let framing = 0;
  for (let o = 0; o < OBJECTS; o++) {
    const object = { objectId: o, payload: new Uint8Array(BYTES) };
    framing +=
      encodeSubgroupObject(object, 0x19, o === 0 ? undefined : o - 1, encoding).length - BYTES;
  }
  return header + framing;
}

async function main(): Promise<void> {
  const relay = await Relay.start({ port: 0, host: '127.0.0.1' });
  const times = new Map<number, number[]>(DRAFTS.map((d) => [d, []]));
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? DRAFTS : [...DRAFTS].reverse();
      for (const draft of order) times.get(draft)!.push(await once(relay, draft, round));
    }
  } finally {
    await relay.close();
  }
  const median = (xs: number[]): number =>
    [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const base = median(times.get(14)!);
  console.log(
    `${GROUPS} groups × ${OBJECTS} objects × ${BYTES} B, ${ROUNDS} rounds, median per draft (QUIC, loopback)`,
  );
  console.log('draft  ms      objects/s  MB/s   time vs d14  framing B/group');
  for (const draft of DRAFTS) {
    const ms = median(times.get(draft)!);
    const objectsPerS = (GROUPS * OBJECTS) / (ms / 1000);
    const mbPerS = (GROUPS * OBJECTS * BYTES) / 1e6 / (ms / 1000);
    console.log(
      `d${draft}    ${ms.toFixed(0).padEnd(7)} ${objectsPerS.toFixed(0).padEnd(10)} ${mbPerS
        .toFixed(1)
        .padEnd(6)} ${(ms / base).toFixed(2).padEnd(12)} ${framingBytes(draft)}`,
    );
  }
}

await main();
