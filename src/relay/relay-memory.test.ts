import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after, before, describe, test } from 'node:test';
import { until, withTimeout } from '../async/index.js';
import { connectRelay } from '../client/index.js';
import { BroadcastProducer, SessionCloseCode, Writer, type MoqSession } from '../moq/index.js';
import { nodeDialers } from '../transport/index.js';
import { Relay } from './relay.js';
import { join, publisher, readAll } from './relay-test-kit.js';

const MiB = 1024 * 1024;
const BUDGET_BYTES = 40 * MiB;
const STALL_MS = 3000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let relay: Relay;
before(async () => {
  relay = await Relay.start({
    port: 0,
    host: '127.0.0.1',
    limits: { memoryBudgetBytes: BUDGET_BYTES, objectStallMs: STALL_MS },
  });
});
after(() => relay.close());

/** A publisher whose one track a viewer reads, so the relay subscribes upstream (alias 0). */
async function attacker(name: string): Promise<{
  transport: WebTransport;
  session: MoqSession;
  viewer: MoqSession;
}> {
  const connection = await connectRelay(`http://127.0.0.1:${relay.port}/`, nodeDialers, {
    transport: 'quic',
  });
  const broadcast = new BroadcastProducer([name]);
  broadcast.createTrack('video');
  await connection.session.publish(broadcast);
  const viewer = await join(relay);
  await viewer.subscribe([name], 'video');
  return { transport: connection.transport, session: connection.session, viewer };
}

/**
 * Opens `count` data streams on track alias 0, each announcing a 15 MiB object and sending only
 * `sentBytes` of it, then going silent.
 */
async function stalledStreams(
  transport: WebTransport,
  count: number,
  firstGroup: number,
  sentBytes: number,
): Promise<void> {
  const partial = new Uint8Array(sentBytes).fill(7);
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const stream = await transport.createUnidirectionalStream();
      const writer = stream.getWriter();
      // SUBGROUP_HEADER 0x10 (subgroup 0, no extensions): alias 0, group, priority; then the
      // object: id delta 0, payload length 15 MiB, and a part of the payload.
      const head = new Writer(32)
        .varint(0x10)
        .varint(0)
        .varint(firstGroup + i)
        .u8(0);
      head.varint(0).varint(15 * MiB);
      await writer.write(head.finish());
      await writer.write(partial).catch(() => undefined);
      writer.releaseLock();
    }),
  );
}

/** A publisher → viewer pair writing small whole groups until stopped. */
async function bystander(): Promise<{ stop: () => Promise<number[][]> }> {
  const pub = await publisher(relay, ['healthy'], 'video');
  const sub = await join(relay);
  // Every group, a late one too: under the filler's flood a group's stream can be overtaken by
  // the next one's, and the relay must still pass it on.
  const reading = readAll(await sub.subscribe(['healthy'], 'video', { lateGroups: true }));
  let running = true;
  const writing = (async () => {
    while (running) {
      const group = pub.track.createGroup();
      for (let o = 0; o < 5; o++) group.write(new TextEncoder().encode(`${group.groupId}:${o}`));
      group.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await writing;
      pub.track.close();
      const got = await reading;
      sub.close();
      pub.session.close();
      return got
        .map((g) => [g.groupId, g.objects.length])
        .sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
    },
  };
}

async function closeCode(transport: WebTransport): Promise<{ code: number; reason: string }> {
  const info = await transport.closed.catch((error: unknown) => error as WebTransportCloseInfo);
  return { code: info.closeCode ?? -1, reason: info.reason ?? '' };
}

/** After a full GC: JS heap + ArrayBuffers (what the relay holds), and RSS, in MiB. */
function usage(): { heldMiB: number; rssMiB: number } {
  gc();
  const m = process.memoryUsage();
  return {
    heldMiB: Math.round((m.heapUsed + m.arrayBuffers) / MiB),
    rssMiB: Math.round(m.rss / MiB),
  };
}

/**
 * Six tracks of 4 MiB groups through the relay, read by one viewer; everything is closed again
 * before returning (so that the test itself keeps none of it alive).
 */
async function fillCaches(): Promise<{
  maxHeldBytes: number;
  evicted: boolean;
  fillerClosedByRelay: boolean;
}> {
  const filler = await join(relay);
  const broadcast = new BroadcastProducer(['filler']);
  const tracks = Array.from({ length: 6 }, (_, i) => broadcast.createTrack(`t${i}`));
  await filler.publish(broadcast);
  const viewer = await join(relay);
  await Promise.all(tracks.map((t) => viewer.subscribe(['filler'], t.name)));
  const evictionsBefore = relay.memory.evictions;
  for (let g = 0; g < 4; g++) {
    for (const track of tracks) {
      const group = track.createGroup();
      for (let o = 0; o < 4; o++) group.write(new Uint8Array(MiB).fill(g));
      group.close();
    }
  }
  const evicted = () => relay.memory.evictions > evictionsBefore;
  await until('old groups evicted to stay under the budget', evicted, { timeoutMs: 60_000 });
  await until('the newest group of every track held', () => relay.memory.usedBytes >= 24 * MiB, {
    timeoutMs: 60_000,
  });
  const fillerClosedByRelay = filler.isClosed;
  for (const track of tracks) track.close();
  filler.close();
  viewer.close();
  await Promise.all([filler.closed, viewer.closed].map((c) => c.catch(() => undefined)));
  return { maxHeldBytes: relay.memory.peakBytes, evicted: evicted(), fillerClosedByRelay };
}

describe('relay: one memory budget over partial objects and caches', { timeout: 240_000 }, () => {
  test('stalled streams and a cache filler stay under the budget; a bystander loses nothing', async () => {
    const healthy = await bystander();
    await until('the bystander flowing', () => relay.memory.usedBytes > 0, { timeoutMs: 20_000 });
    const start = usage();
    const baseline = relay.memory.usedBytes;

    // 1. A hundred streams stalled mid-object: counted while held, freed after the stall timeout.
    const slow = await attacker('stall');
    await stalledStreams(slow.transport, 100, 0, 100 * 1024);
    await until('partial objects counted', () => relay.memory.usedBytes >= baseline + 9 * MiB, {
      timeoutMs: 30_000,
    });
    await until('stalled streams cancelled', () => relay.memory.usedBytes < baseline + MiB, {
      timeoutMs: 30_000,
    });
    assert.equal(slow.session.isClosed, false, 'under the budget, only the streams go');

    // 2. Ten streams each sending 5 MiB of a 15 MiB object: over the budget, the greediest session goes.
    const greedy = await attacker('greedy');
    const evictionsBeforeGreedy = relay.memory.evictions;
    const greedyClosed = closeCode(greedy.transport);
    void stalledStreams(greedy.transport, 10, 0, 5 * MiB).catch(() => undefined);
    const { code, reason } = await withTimeout(greedyClosed, 60_000, 'the greedy session closed');
    assert.equal(code, SessionCloseCode.INTERNAL_ERROR);
    assert.match(reason, /memory budget/);
    assert.ok(relay.memory.sessionsClosed >= 1);
    assert.equal(
      relay.memory.evictions,
      evictionsBeforeGreedy,
      'partial objects over the budget cost the caches nothing',
    );
    await until(
      'the greedy session’s bytes given back',
      () => relay.memory.usedBytes < BUDGET_BYTES / 2,
      {
        timeoutMs: 30_000,
      },
    );

    // 3. A publisher filling six track caches with 4 MiB groups: their oldest groups go (the
    // bystander's small ones, older still, stay).
    const overshoot = relay.memory.peakBytes;
    relay.memory.resetPeak();
    const fill = await fillCaches();
    assert.ok(fill.maxHeldBytes <= BUDGET_BYTES, `held ${fill.maxHeldBytes} bytes`);
    assert.ok(fill.evicted, 'old groups were evicted');
    assert.equal(fill.fillerClosedByRelay, false, 'evicting caches was enough');

    // The bystander saw every group whole, in order, none missing.
    const got = await healthy.stop();
    assert.ok(got.length > 20, `only ${got.length} groups`);
    for (let i = 0; i < got.length; i++) {
      assert.equal(got[i]?.[1], 5, `group ${got[i]?.[0]} whole`);
      if (i > 0) assert.equal(got[i]?.[0], (got[i - 1]?.[0] ?? 0) + 1, 'no group missing');
    }

    // Everyone leaves: the budget is back to zero and the process gives most memory back.
    slow.session.close();
    slow.viewer.close();
    greedy.viewer.close();
    await until('nothing held', () => relay.memory.usedBytes === 0 && relay.sessionCount === 0, {
      timeoutMs: 30_000,
    });
    const peak = overshoot;
    // The greedy session kept sending until its close took effect: a bounded overshoot.
    assert.ok(peak <= BUDGET_BYTES + 16 * MiB, `peak ${peak} bytes`);
    // Buffers (objects live in ArrayBuffers) and the JS heap return near their start; RSS is
    // reported, not asserted (the allocator keeps freed pages mapped for reuse).
    let end = usage();
    await until('memory back near its start', () => (end = usage()).heldMiB < start.heldMiB + 64, {
      timeoutMs: 30_000,
      intervalMs: 500,
    }).catch(() => assert.fail(`held ${start.heldMiB} → ${end.heldMiB} MiB`));
    console.log(
      `memory: budget peak ${(peak / MiB).toFixed(1)} MiB of ${BUDGET_BYTES / MiB}; ` +
        `heap+buffers ${start.heldMiB} → ${end.heldMiB} MiB; rss ${start.rssMiB} → ${end.rssMiB} MiB; evictions ${relay.memory.evictions}; ` +
        `sessions closed ${relay.memory.sessionsClosed}`,
    );
  });
});
