/**
 * Adaptive delivery on emulated links, side by side: per profile (e2e/testbed/profiles.ts),
 * Auto (relay), Auto (player) and the top rendition fixed, each a headless Chromium viewer on
 * the watch page in a network namespace of its own, run one after another on the same profile
 * (one browser at a time, so the machine measures the link, not itself). Prints, per profile and
 * mode: delivered bitrate over link capacity and over what the ladder could use (the smaller of
 * the link and the top rendition), freezes (render gaps ≥ 250 ms: count, total, longest),
 * switches per minute, glass-to-glass latency p50/p95.
 * BENCH_PROFILES=good,drop (default: good,drop,mobile,slow-device; lossy needs netem).
 * BENCH_MODES=relay,player,fixed. Needs root, iproute2 and Chromium.
 */
import { netnsAvailable } from '../e2e/testbed/netns-link.js';
import { PROFILES } from '../e2e/testbed/profiles.js';
import { runScenario, type TimelineRow, type ViewerMode } from '../e2e/testbed/scenario.js';

const names = (process.env.BENCH_PROFILES ?? 'good,drop,mobile,slow-device').split(',');
const modes = (process.env.BENCH_MODES ?? 'relay,player,fixed').split(',') as ViewerMode[];

interface Line {
  profile: string;
  mode: ViewerMode;
  ofLink: number;
  ofUsable: number;
  freezes: number;
  freezeMs: number;
  longestMs: number;
  switchesPerMin: number;
  p50: number | undefined;
  p95: number | undefined;
  netem: boolean;
}

/** Delivered over min(link, the top rendition's own rate as measured by the fixed viewer). */
function usable(rows: TimelineRow[], topBps: number): number {
  const delivered = rows.reduce((sum, r) => sum + r.bitrateBps, 0);
  const room = rows.reduce((sum, r) => sum + Math.min(r.linkKbit * 1000, topBps), 0);
  return room > 0 ? delivered / room : 0;
}

async function main(): Promise<void> {
  if (!(await netnsAvailable())) throw new Error('bench:abr needs root, iproute2 and tc');
  const lines: Line[] = [];
  for (const name of names) {
    const profile = PROFILES.find((p) => p.name === name);
    if (!profile) throw new Error(`no profile ${name}`);
    const runs = [];
    for (const mode of modes) {
      console.error(`${profile.name} / ${mode} …`);
      runs.push(await runScenario({ profile, modes: [mode] }));
    }
    // The top rendition's real rate: the most any viewer received on an uncongested second.
    const topBps = Math.max(...runs.flatMap((r) => r.rows.map((row) => row.bitrateBps)));
    for (const result of runs) {
      const v = result.viewers[0];
      if (!v) continue;
      lines.push({
        profile: profile.name,
        mode: v.mode,
        ofLink: v.capacityShare,
        ofUsable: usable(result.rows, topBps),
        freezes: v.stalls,
        freezeMs: v.stallMs,
        longestMs: v.longestGapMs,
        switchesPerMin: v.switchesPerMin,
        p50: v.latencyP50Ms,
        p95: v.latencyP95Ms,
        netem: result.netem,
      });
    }
  }
  const pct = (x: number): string => `${Math.round(x * 100)} %`;
  console.log(
    '| profile | Auto by | of link | of usable | freezes (total ms) | longest gap | switches/min | latency p50 / p95 |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const l of lines) {
    const note = l.netem ? '' : ' ¹';
    console.log(
      `| ${l.profile}${note} | ${l.mode} | ${pct(l.ofLink)} | ${pct(l.ofUsable)} | ` +
        `${l.freezes} (${l.freezeMs}) | ${l.longestMs} ms | ${l.switchesPerMin.toFixed(1)} | ` +
        `${l.p50 ?? '–'} / ${l.p95 ?? '–'} ms |`,
    );
  }
  if (lines.some((l) => !l.netem)) {
    console.log(
      '\n¹ no netem in this kernel: the rate schedule only — delay, jitter and loss were not emulated',
    );
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
