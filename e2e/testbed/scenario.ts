// Runs one testbed profile end to end: a relay here, the test pattern encoded by ffmpeg into the
// profile's ladder, and Chromium viewers on the watch page — each in a network namespace of its
// own behind a link that follows the profile, optionally on a CPU quota — sampled every second.
import { Relay, type RelayLogger } from '../../src/relay/index.js';
import { publishTestPattern, type TestBroadcast } from '../watch-publisher.js';
import { until } from '../../src/async/index.js';
import { BrowserViewer } from './browser-viewer.js';
import { CpuQuota } from '../../src/studio/cpu-quota-test-kit.js';
import { NetnsLink, type LinkShape } from './netns-link.js';
import { shapeAt, type Profile } from './profiles.js';

/** Auto run by the relay, Auto run by the player, or the top rendition fixed. */
export type ViewerMode = 'relay' | 'player' | 'fixed';

export interface TimelineRow {
  atS: number;
  /** Which step of the profile's link schedule (counters restart at each step). */
  step: number;
  mode: ViewerMode;
  state: string;
  /** Why it is not playing (ended, failed), when it is not. */
  reason: string | undefined;
  decodeLimit: string | undefined;
  linkKbit: number;
  rendition: string | undefined;
  chosenBy: string | undefined;
  bitrateBps: number;
  bufferMs: number;
  latencyMs: number | undefined;
  stalls: number;
  stallMs: number;
  /** Longest render gap since this step began. */
  maxGapMs: number;
  skips: number;
}

export interface ViewerSummary {
  mode: ViewerMode;
  /** Time-weighted delivered bitrate over the link's capacity. */
  capacityShare: number;
  stalls: number;
  stallMs: number;
  /** The longest wall-clock gap between two rendered frames. */
  longestGapMs: number;
  switchesPerMin: number;
  latencyP50Ms: number | undefined;
  latencyP95Ms: number | undefined;
  renditions: string[];
}

export interface ScenarioResult {
  profile: Profile;
  /** False where the kernel has no netem: delay, jitter and loss were not emulated. */
  netem: boolean;
  rows: TimelineRow[];
  viewers: ViewerSummary[];
}

export interface ScenarioOptions {
  profile: Profile;
  modes: readonly ViewerMode[];
  /** Called with each second's rows as they come (the CLI prints them). */
  onRows?: (rows: TimelineRow[]) => void;
  signal?: AbortSignal;
  /** The relay's log (sessions opening and closing, with why). */
  logger?: RelayLogger;
}

const NAME = 'testbed/show';
const JOIN_TIMEOUT_MS = 60_000;

interface Lane {
  mode: ViewerMode;
  link: NetnsLink;
  cpu: CpuQuota | undefined;
  viewer?: BrowserViewer;
}

export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const { profile, modes } = options;
  const signal = options.signal ?? new AbortController().signal;
  const lanes: Lane[] = [];
  let relay: Relay | undefined;
  let broadcast: TestBroadcast | undefined;
  let netem = true;
  try {
    relay = await Relay.start({
      port: 0,
      host: '0.0.0.0',
      ...(options.logger ? { logger: options.logger } : {}),
    });
    broadcast = await publishTestPattern(relay, NAME, profile.ladder);
    const top = profile.ladder.split(',')[0]?.replace(/@.*/, '') ?? '';
    for (const mode of modes) {
      const opened = await openLink(shapeAt(profile, 0), netem);
      netem = opened.netem;
      const cpu = profile.viewerCores
        ? await CpuQuota.create(profile.viewerCores * 100)
        : undefined;
      lanes.push({ mode, link: opened.link, cpu });
    }
    for (const lane of lanes) {
      const query = lane.mode === 'fixed' ? `rendition=${top}` : `abr=${lane.mode}`;
      const url = `http://${lane.link.hostAddress}:${relay.port}/watch/${NAME}?${query}`;
      lane.viewer = await BrowserViewer.open({
        url,
        link: lane.link,
        ...(lane.cpu ? { cpu: lane.cpu } : {}),
      });
    }
    await until(
      'every viewer playing',
      async () => {
        const all = await Promise.all(lanes.map((l) => (l.viewer as BrowserViewer).stats()));
        return all.every((s) => s.state === 'playing') ? all : undefined;
      },
      { timeoutMs: JOIN_TIMEOUT_MS, intervalMs: 250, signal },
    );
    for (const lane of lanes) {
      await lane.viewer?.resetStats();
    }
    const rows = await runTimeline(profile, lanes, netem, options.onRows, signal);
    return { profile, netem, rows, viewers: lanes.map((l) => summarize(l, rows, profile)) };
  } finally {
    for (const lane of lanes) {
      await lane.viewer?.close();
      await lane.link.close();
      await lane.cpu?.remove();
    }
    await broadcast?.close();
    await relay?.close();
  }
}

/** A link with the shape asked for; without netem in the kernel, its rate alone. */
async function openLink(
  shape: LinkShape,
  netem: boolean,
): Promise<{ link: NetnsLink; netem: boolean }> {
  if (netem) {
    try {
      return { link: await NetnsLink.create(shape), netem: true };
    } catch (error) {
      if (!hasImpairment(shape)) throw error;
    }
  }
  return { link: await NetnsLink.create({ rateKbit: shape.rateKbit }), netem: false };
}

function hasImpairment(shape: LinkShape): boolean {
  return Boolean(shape.delayMs || shape.jitterMs || shape.lossPercent);
}

async function runTimeline(
  profile: Profile,
  lanes: Lane[],
  netem: boolean,
  onRows: ((rows: TimelineRow[]) => void) | undefined,
  signal: AbortSignal,
): Promise<TimelineRow[]> {
  const rows: TimelineRow[] = [];
  const startedAt = Date.now();
  let applied = shapeAt(profile, 0);
  let step = 0;
  for (let atS = 1; atS <= profile.seconds; atS++) {
    const dueMs = startedAt + atS * 1000 - Date.now();
    if (dueMs > 0) await new Promise((resolve) => setTimeout(resolve, dueMs));
    signal.throwIfAborted();
    const shape = shapeAt(profile, atS);
    if (shape !== applied) {
      const next = netem ? shape : { rateKbit: shape.rateKbit };
      await Promise.all(lanes.map((lane) => lane.link.shape(next)));
      // Counters restart, so each step's stalls and gaps read on their own.
      await Promise.all(lanes.map((lane) => lane.viewer?.resetStats() ?? Promise.resolve()));
      applied = shape;
      step++;
    }
    const second: TimelineRow[] = [];
    for (const lane of lanes) {
      const s = await (lane.viewer as BrowserViewer).stats();
      second.push({
        atS,
        step,
        mode: lane.mode,
        state: s.state,
        reason: s.reason,
        decodeLimit: s.decodeLimit,
        linkKbit: shape.rateKbit,
        rendition: s.rendition,
        chosenBy: s.chosenBy,
        bitrateBps: s.bitrateBps,
        bufferMs: Math.round(s.bufferMs),
        latencyMs: s.latencyMs === undefined ? undefined : Math.round(s.latencyMs),
        stalls: s.stalls,
        stallMs: s.stallMs,
        maxGapMs: Math.round(s.maxRenderGapMs),
        skips: s.skips,
      });
    }
    rows.push(...second);
    onRows?.(second);
  }
  return rows;
}

function summarize(lane: Lane, all: TimelineRow[], profile: Profile): ViewerSummary {
  const rows = all.filter((r) => r.mode === lane.mode);
  const stepEnds = rows.filter((r, i) => rows[i + 1]?.step !== r.step);
  const delivered = rows.reduce((sum, r) => sum + r.bitrateBps, 0);
  const capacity = rows.reduce((sum, r) => sum + r.linkKbit * 1000, 0);
  const latencies = rows.flatMap((r) => (r.latencyMs === undefined ? [] : [r.latencyMs]));
  let switches = 0;
  for (let i = 1; i < rows.length; i++) {
    if (rows[i]?.rendition !== rows[i - 1]?.rendition) switches++;
  }
  return {
    mode: lane.mode,
    capacityShare: capacity > 0 ? delivered / capacity : 0,
    stalls: stepEnds.reduce((n, r) => n + r.stalls, 0),
    stallMs: stepEnds.reduce((n, r) => n + r.stallMs, 0),
    longestGapMs: Math.max(0, ...stepEnds.map((r) => r.maxGapMs)),
    switchesPerMin: switches / (profile.seconds / 60),
    latencyP50Ms: percentile(latencies, 50),
    latencyP95Ms: percentile(latencies, 95),
    renditions: [...new Set(rows.flatMap((r) => (r.rendition ? [r.rendition] : [])))],
  };
}

export function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
