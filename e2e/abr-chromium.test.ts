// Adaptive delivery as viewers meet it: headless Chromium on the relay's watch page, each in a
// network namespace of its own behind a shaped link (e2e/testbed), the test pattern encoded by
// ffmpeg into a ladder. `drop`: the link falls from 10 to 1 Mbit/s and comes back, with Auto run
// by the relay. `slow-device`: the browsers held to half a core
// with the default ladder — latency must stay under a second (the player steps down or skips).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chromiumAvailable } from './chromium.js';
import { cpuQuotaUnavailable } from '../src/studio/cpu-quota-test-kit.js';
import { netnsAvailable } from './testbed/netns-link.js';
import { profileNamed, type Profile } from './testbed/profiles.js';
import {
  percentile,
  runScenario,
  type ScenarioResult,
  type TimelineRow,
  type ViewerSummary,
} from './testbed/scenario.js';

const skip = !(await netnsAvailable())
  ? 'needs root and iproute2'
  : !chromiumAvailable()
    ? 'Chromium is not installed'
    : false;

const noCpuQuota = await cpuQuotaUnavailable();
const TOP = '720p';
const DROP_AT_S = 20;
const RECOVER_AT_S = 40;
/** Seconds from the first frame that the join's catch-up may take on the slow device. */
const JOIN_CATCH_UP_S = 2;

const DROP = profileNamed('drop') as Profile;

function timeline(rows: TimelineRow[]): string {
  return rows
    .map(
      (r) =>
        `${r.atS}s ${r.linkKbit}k ${r.rendition}(${r.chosenBy})` +
        `${r.decodeLimit ? ` device≤${r.decodeLimit}` : ''} gap ${r.maxGapMs} lat ${r.latencyMs}`,
    )
    .join('\n');
}

/** The relay's switch decisions, for the failure message: seconds from the run's start. */
const switchLog: string[] = [];
let runStartedAt = Date.now();
const logger = {
  info: (fields: object, message: string): void => {
    if (message !== 'rendition switch') return;
    const atS = ((Date.now() - runStartedAt) / 1000).toFixed(1);
    switchLog.push(`${atS}s ${JSON.stringify(fields)}`);
  },
  warn: (): void => undefined,
};
/** Row 1 is read one second into the run: the timeline's clock, for the switch log. */
const startClock = (rows: TimelineRow[]): void => {
  if (rows[0]?.atS === 1) runStartedAt = Date.now() - 1000;
};

function checkDrop(result: ScenarioResult, mode: 'relay'): void {
  const rows = result.rows.filter((r) => r.mode === mode);
  const explain = `\n${mode} timeline:\n${timeline(rows)}\nrelay:\n${switchLog.join('\n')}`;
  assert.ok(
    rows.some((r) => r.atS < DROP_AT_S && r.rendition === TOP),
    `never reached ${TOP} before the drop${explain}`,
  );
  // Down with the group after the one in flight; a second for the sample to show it. Later on
  // the slow link the relay may probe the top again: what a probe costs is bounded below by
  // the freeze limit, which holds for the whole drop.
  const after = rows.filter((r) => r.atS >= DROP_AT_S + 3 && r.atS <= DROP_AT_S + 5);
  const stillTop = after.filter((r) => r.rendition === TOP);
  assert.equal(stillTop.length, 0, `still on ${TOP} after the drop${explain}`);
  const dropStep = rows.filter((r) => r.atS > DROP_AT_S && r.atS <= RECOVER_AT_S).at(-1);
  assert.ok(
    (dropStep?.maxGapMs ?? Infinity) < 500,
    `a freeze of ${dropStep?.maxGapMs} ms during the drop${explain}`,
  );
  const back = rows.find((r) => r.atS > RECOVER_AT_S && r.rendition === TOP);
  assert.ok(
    back && back.atS - RECOVER_AT_S <= 10,
    `not back on ${TOP} within 10 s of the recovery${explain}`,
  );
  console.log(
    `${mode}: ${TOP} before the drop, off it by ${DROP_AT_S + 3} s, ` +
      `${rows.filter((r) => r.atS > DROP_AT_S + 5 && r.atS < RECOVER_AT_S && r.rendition === TOP).length} s ` +
      `on ${TOP} again while the link was slow (probes), longest freeze during ` +
      `the drop ${dropStep?.maxGapMs} ms, back on ${TOP} ${back.atS - RECOVER_AT_S} s after ` +
      `the recovery`,
  );
}

describe('adaptive delivery in Chromium on emulated links', { skip, timeout: 600_000 }, () => {
  // One browser at a time: two decoding side by side on this 2-core machine (beside the
  // encoder) would measure the machine, not the link.
  test('drop 10 → 1 → 10 Mbit/s, Auto (relay): down within a group, no freeze of 500 ms, back up within 10 s', async () => {
    switchLog.length = 0;
    const result = await runScenario({
      profile: DROP,
      modes: ['relay'],
      logger,
      onRows: startClock,
    });
    console.log(JSON.stringify(result.viewers[0]));
    const rows = result.rows.filter((r) => r.mode === 'relay');
    assert.ok(
      rows.some((r) => r.chosenBy === 'relay'),
      'the relay chose the renditions',
    );
    checkDrop(result, 'relay');
  });

  // Auto (player) on the same drop is measured by `npm run bench:abr`, not asserted here: it
  // does not yet meet these bounds (bench/RESULTS.md).

  for (const mode of ['relay', 'player'] as const) {
    test(
      `slow device (half a core), default ladder, Auto (${mode}): latency p95 under 1 s`,
      { skip: noCpuQuota ?? false },
      async () => {
        switchLog.length = 0;
        const profile = { ...(profileNamed('slow-device') as Profile), seconds: 30 };
        const result = await runScenario({ profile, modes: [mode], logger, onRows: startClock });
        const viewer = result.viewers[0] as ViewerSummary;
        const rows = result.rows;
        const explain = `\n${timeline(rows)}\nrelay:\n${switchLog.join('\n')}`;
        console.log(
          `${mode}: p50 ${viewer.latencyP50Ms} ms, p95 ${viewer.latencyP95Ms} ms, renditions ` +
            `${viewer.renditions.join(',')}, longest freeze ${viewer.longestGapMs} ms, ` +
            `device limit ${rows.at(-1)?.decodeLimit ?? 'none'}, skips ${rows.at(-1)?.skips}`,
        );
        // While playing, after the join: a join starts at the newest group's keyframe, up to a
        // group behind live, and half a core catches up on that for a second or two — the
        // join's cost (measured as join time), not the latency the viewer then watches at.
        const firstS = rows.find((r) => r.latencyMs !== undefined)?.atS ?? 0;
        const playing = rows.flatMap((r) =>
          r.atS >= firstS + JOIN_CATCH_UP_S && r.latencyMs !== undefined ? [r.latencyMs] : [],
        );
        const p95 = percentile(playing, 95);
        assert.ok(
          p95 !== undefined && p95 < 1000,
          `latency p95 ${p95} ms after the join${explain}`,
        );
        assert.ok(
          rows.every((r) => r.state === 'playing' || r.state === 'buffering'),
          `stopped playing${explain}`,
        );
      },
    );
  }
});
