/**
 * Server-side ABR on emulated links, side by side with a fixed top rendition: per profile and
 * mode, a relay here, a synthetic 4 / 1.5 / 0.4 Mbit/s ladder (2 s groups, 30 objects a second),
 * and one viewer in a network namespace behind a tbf-shaped link whose rate follows the profile.
 * Prints delivered bitrate over link capacity (time-weighted), stalls (pauses between objects
 * over 500 ms: count and total), switches per minute, and object latency p50/p95.
 * BENCH_PROFILES=good,drop,mobile (default all). Needs root and iproute2.
 */
import { BroadcastProducer } from '../src/moq/index.js';
import { LADDER, publishLadder } from '../src/relay/abr/abr-test-kit.js';
import { Relay } from '../src/relay/index.js';
import { NetnsLink, netnsAvailable } from '../e2e/testbed/netns-link.js';
import { ViewerProcess, type GroupLine } from '../e2e/testbed/viewer-process.js';

/** A link rate schedule: from `atS` seconds on, `kbit`. */
interface Profile {
  name: string;
  seconds: number;
  steps: Array<{ atS: number; kbit: number }>;
}

const PROFILES: Profile[] = [
  { name: 'good', seconds: 40, steps: [{ atS: 0, kbit: 50_000 }] },
  {
    name: 'drop',
    seconds: 60,
    steps: [
      { atS: 0, kbit: 10_000 },
      { atS: 20, kbit: 1_000 },
      { atS: 40, kbit: 10_000 },
    ],
  },
  {
    // 0.5–5 Mbit/s changing every 5 s (a fixed sequence, so runs compare).
    name: 'mobile',
    seconds: 60,
    steps: [5000, 2000, 800, 3000, 500, 4000, 1500, 5000, 700, 2500, 1000, 3500].map((kbit, i) => ({
      atS: i * 5,
      kbit,
    })),
  },
];
const STALL_MS = 500;

interface Result {
  profile: string;
  mode: string;
  usedOfCapacity: number;
  stalls: number;
  stallMs: number;
  switchesPerMin: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  groups: number;
  cut: number;
}

async function runOne(profile: Profile, mode: 'relay' | 'fixed'): Promise<Result> {
  const link = await NetnsLink.create({ rateKbit: profile.steps[0]!.kbit });
  const relay = await Relay.start({ port: 0, host: '0.0.0.0' });
  const broadcast = new BroadcastProducer(['bench', 'abr']);
  relay.origin.publish(broadcast);
  const stop = publishLadder(broadcast, LADDER, { groupMs: 2000, objectsPerGroup: 60 });
  const viewer = new ViewerProcess(link, relay.port, 'bench/abr', mode);
  const startedAt = Date.now();
  try {
    for (const step of profile.steps.slice(1)) {
      await sleepUntil(startedAt + step.atS * 1000);
      await link.shape({ rateKbit: step.kbit });
    }
    await sleepUntil(startedAt + profile.seconds * 1000);
  } finally {
    stop();
    await link.close();
    await relay.close();
  }
  return summarize(profile, mode, viewer.groups, startedAt);
}

function summarize(profile: Profile, mode: string, groups: GroupLine[], startedAt: number): Result {
  // The first 10 s are the start-up (every mode starts low or fills its queue): measure after.
  const fromMs = startedAt + 10_000;
  const toMs = startedAt + profile.seconds * 1000;
  const measured = groups.filter((g) => g.startedAtMs >= fromMs && g.endedAtMs <= toMs);
  const deliveredBits = measured.reduce((sum, g) => sum + g.bytes * 8, 0);
  const capacityBits = capacity(profile, (fromMs - startedAt) / 1000, (toMs - startedAt) / 1000);
  const pauses = measured.map((g) => g.longestPauseMs).filter((ms) => ms > STALL_MS);
  const ordered = [...measured].sort((a, b) => a.groupId - b.groupId);
  let switches = 0;
  for (let i = 1; i < ordered.length; i++) {
    if (ordered[i]!.rendition !== ordered[i - 1]!.rendition) switches++;
  }
  const latencies = measured.flatMap((g) => g.latenciesMs).sort((a, b) => a - b);
  const at = (p: number): number => latencies[Math.floor((latencies.length - 1) * p)] ?? NaN;
  return {
    profile: profile.name,
    mode,
    usedOfCapacity: deliveredBits / capacityBits,
    stalls: pauses.length,
    stallMs: pauses.reduce((a, b) => a + b, 0),
    switchesPerMin: (switches * 60_000) / (toMs - fromMs),
    latencyP50Ms: at(0.5),
    latencyP95Ms: at(0.95),
    groups: measured.length,
    cut: measured.filter((g) => g.cut).length,
  };
}

/** Link capacity in bits between two times (seconds from the start). */
function capacity(profile: Profile, fromS: number, toS: number): number {
  let bits = 0;
  profile.steps.forEach((step, i) => {
    const end = profile.steps[i + 1]?.atS ?? Infinity;
    const overlap = Math.max(0, Math.min(end, toS) - Math.max(step.atS, fromS));
    bits += overlap * step.kbit * 1000;
  });
  return bits;
}

function sleepUntil(atMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, atMs - Date.now())));
}

if (!(await netnsAvailable())) {
  console.error('bench:abr needs root and iproute2 (network namespaces, tc)');
  process.exit(1);
}
const wanted = (process.env.BENCH_PROFILES ?? PROFILES.map((p) => p.name).join(',')).split(',');
const results: Result[] = [];
for (const profile of PROFILES.filter((p) => wanted.includes(p.name))) {
  for (const mode of ['relay', 'fixed'] as const) {
    console.error(`${profile.name} / ${mode === 'relay' ? 'Auto (relay)' : 'fixed top'} …`);
    results.push(await runOne(profile, mode));
  }
}
console.log(
  '| profile | mode | delivered / capacity | stalls > 500 ms (count, total) | switches/min | latency p50 / p95 | groups (cut) |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  const mode = r.mode === 'relay' ? 'Auto (relay)' : 'fixed top (4 Mbit/s)';
  console.log(
    `| ${r.profile} | ${mode} | ${(r.usedOfCapacity * 100).toFixed(0)} % | ${r.stalls}, ${r.stallMs} ms | ` +
      `${r.switchesPerMin.toFixed(1)} | ${Math.round(r.latencyP50Ms)} / ${Math.round(r.latencyP95Ms)} ms | ${r.groups} (${r.cut}) |`,
  );
}
process.exit(0);
