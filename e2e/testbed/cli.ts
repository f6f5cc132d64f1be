// `npm run testbed -- --profile NAME [--viewers relay,player,fixed]`: runs one profile (see
// profiles.ts) and prints its timeline — link rate, each viewer's rendition and who chose it,
// delivered bitrate, buffer, latency, stalls — then a summary per viewer. Needs root, iproute2
// and Chromium; every namespace, qdisc and cgroup it made is removed, even on failure or Ctrl-C.
import { parseArgs } from 'node:util';
import { cpuQuotaUnavailable } from '../../src/studio/cpu-quota-test-kit.js';
import { netnsAvailable } from './netns-link.js';
import { PROFILES, profileNamed } from './profiles.js';
import { runScenario, type TimelineRow, type ViewerMode } from './scenario.js';

const MODES: readonly ViewerMode[] = ['relay', 'player', 'fixed'];

function usage(): string {
  const names = PROFILES.map((p) => `  ${p.name.padEnd(12)} ${p.description}`).join('\n');
  return `usage: npm run testbed -- --profile NAME [--viewers relay,player,fixed]\n\nprofiles:\n${names}\n\nviewers: relay = Auto (relay), player = Auto (player), fixed = the top rendition`;
}

function fail(message: string): never {
  console.error(`testbed: ${message}\n\n${usage()}`);
  process.exit(2);
}

function cell(row: TimelineRow): string {
  if (row.state === 'ended' || row.state === 'error') return `${row.state}: ${row.reason ?? ''}`;
  const limit = row.decodeLimit ? `≤${row.decodeLimit}` : '';
  const by = row.chosenBy ? `(${row.chosenBy})${limit}` : limit;
  const latency = row.latencyMs === undefined ? '–' : `${row.latencyMs}ms`;
  return (
    `${(row.rendition ?? '–') + by}`.padEnd(14) +
    `${Math.round(row.bitrateBps / 1000)}k`.padStart(6) +
    ` buf ${row.bufferMs}ms`.padEnd(11) +
    ` lat ${latency}`.padEnd(11) +
    ` stalls ${row.stalls}/${row.stallMs}ms`
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      profile: { type: 'string' },
      viewers: { type: 'string', default: MODES.join(',') },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage());
    return;
  }
  if (!values.profile) fail('--profile is required');
  const profile = profileNamed(values.profile) ?? fail(`no profile "${values.profile}"`);
  const modes = values.viewers.split(',').map((m) => m.trim());
  for (const mode of modes) {
    if (!MODES.includes(mode as ViewerMode)) fail(`unknown viewer "${mode}"`);
  }
  if (!(await netnsAvailable())) fail('needs root, iproute2 (ip) and tc');
  const noQuota = profile.viewerCores ? await cpuQuotaUnavailable() : undefined;
  if (noQuota) fail(noQuota);

  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  process.once('SIGTERM', () => abort.abort());
  console.log(`profile ${profile.name}: ${profile.description}; ladder ${profile.ladder}`);
  console.log(`t(s)  link    ${modes.map((m) => m.padEnd(60)).join('')}`);
  const result = await runScenario({
    profile,
    modes: modes as ViewerMode[],
    signal: abort.signal,
    ...(process.env.TESTBED_RELAY_LOG
      ? {
          logger: {
            info: (fields: object, message: string) =>
              console.log(`relay: ${message} ${JSON.stringify(fields)}`),
            warn: (fields: object, message: string) =>
              console.log(`relay: ${message} ${JSON.stringify(fields)}`),
          },
        }
      : {}),
    onRows: (rows) => {
      const first = rows[0] as TimelineRow;
      const link = `${first.linkKbit >= 1000 ? `${first.linkKbit / 1000}M` : `${first.linkKbit}k`}`;
      console.log(
        `${String(first.atS).padStart(4)}  ${link.padEnd(6)}  ${rows.map((r) => cell(r).padEnd(60)).join('')}`,
      );
    },
  });
  if (!result.netem) {
    console.log(
      'note: this kernel has no netem qdisc — delay, jitter and loss were NOT emulated, only the rate',
    );
  }
  console.log(
    '\nviewer   capacity used  stalls (ms)   longest gap  switches/min  latency p50/p95  renditions',
  );
  for (const v of result.viewers) {
    console.log(
      `${v.mode.padEnd(8)} ${`${Math.round(v.capacityShare * 100)} %`.padStart(13)}  ` +
        `${`${v.stalls} (${v.stallMs})`.padEnd(12)}  ${`${v.longestGapMs} ms`.padStart(11)}  ` +
        `${v.switchesPerMin.toFixed(1).padStart(12)}  ` +
        `${`${v.latencyP50Ms ?? '–'} / ${v.latencyP95Ms ?? '–'} ms`.padStart(15)}  ${v.renditions.join(',')}`,
    );
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`testbed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
