import { readFile } from 'node:fs/promises';
import type { Relay } from '../relay/index.js';
import type { RenditionStats, StudioState, StudioStats, ViewerQuality } from './studio-api.js';
import type { RelayConnection } from './relay-connection.js';
import type { StudioPublisher } from './studio-publisher.js';

/** Linux reports process CPU time in clock ticks of 1/100 s on every common build. */
const CLOCK_TICKS_PER_SECOND = 100;

/** What one stats sample looks at; any part may be absent (idle, reconnecting). */
export interface StatsSources {
  state: StudioState;
  liveSince: number | undefined;
  relayKind: 'embedded' | 'remote';
  relayAccess?: 'loopback' | 'publish-protected';
  publisher: StudioPublisher | undefined;
  connection: RelayConnection | undefined;
  /** Groups the publishing sessions dropped (undefined when not publishing). */
  groupsDropped: number | undefined;
  /** The embedded relay, whose tracks know their subscribers. */
  relay: Relay | undefined;
  /** The relay's `.stats` figures for the broadcast (any relay of ours), if it sent any. */
  viewerQuality: ViewerQuality | undefined;
}

interface Previous {
  at: number;
  objects: Map<string, number>;
  cpu: NodeJS.CpuUsage;
  ffmpegTicks: number | undefined;
  /** The ffmpeg the ticks belong to (a replaced encoder is a new process). */
  ffmpegPid: number | undefined;
}

/**
 * Turns counters into per-second figures: one `sample()` a second, each compared with the one
 * before (fps from objects — one per frame —, CPU from process times).
 */
export class StatsCollector {
  #previous: Previous = {
    at: Date.now(),
    objects: new Map(),
    cpu: process.cpuUsage(),
    ffmpegTicks: undefined,
    ffmpegPid: undefined,
  };

  async sample(sources: StatsSources): Promise<StudioStats> {
    const at = Date.now();
    const seconds = Math.max(0.001, (at - this.#previous.at) / 1000);
    const cpu = process.cpuUsage();
    const cpuPercent =
      (cpu.user - this.#previous.cpu.user + cpu.system - this.#previous.cpu.system) / 1e4 / seconds;
    const renditions = this.#renditions(sources, seconds);
    const ffmpegPid = sources.publisher?.encoder?.pid;
    const ffmpegTicks = ffmpegPid !== undefined ? await cpuTicks(ffmpegPid) : undefined;
    const samePid = ffmpegPid === this.#previous.ffmpegPid;
    const ffmpegCpu =
      ffmpegTicks !== undefined && this.#previous.ffmpegTicks !== undefined && samePid
        ? ((ffmpegTicks - this.#previous.ffmpegTicks) / CLOCK_TICKS_PER_SECOND / seconds) * 100
        : null;
    this.#previous = {
      at,
      cpu,
      ffmpegTicks,
      ffmpegPid,
      objects: new Map(renditions.map((r) => [r.name, objectsOf(sources, r.name)])),
    };
    return this.#assemble(sources, at, renditions, round(cpuPercent), ffmpegCpu);
  }

  #renditions(sources: StatsSources, seconds: number): RenditionStats[] {
    const { publisher } = sources;
    if (!publisher) return [];
    const stats = publisher.stats();
    return (publisher.encoder?.outputs ?? []).map((output) => {
      const track = stats[output.name];
      const objects = track?.objects ?? 0;
      // A track unseen at the previous sample started since: all its objects are new.
      const before = this.#previous.objects.get(output.name) ?? 0;
      const size = output.rendition;
      return {
        name: output.name,
        role: output.role,
        ...(size ? { width: size.width, height: size.height } : {}),
        targetBitrateBps: output.bitrateBps,
        bitrateBps: Math.round(track?.bitrateBps ?? 0),
        fps: round((objects - before) / seconds),
        groups: track?.groups ?? 0,
        bytes: track?.bytes ?? 0,
        viewers: viewersOf(sources, output.name),
      };
    });
  }

  #assemble(
    sources: StatsSources,
    at: number,
    renditions: RenditionStats[],
    cpuPercent: number,
    ffmpegCpu: number | null,
  ): StudioStats {
    const progress = sources.publisher?.encoder?.progress();
    const embedded = sources.relayKind === 'embedded';
    const video = renditions.filter((r) => r.role === 'video');
    const rtt = sources.connection?.stats()?.rttMs;
    const quality = sources.viewerQuality;
    const videoViewers = video.reduce((sum, r) => sum + (r.viewers ?? 0), 0);
    return {
      at,
      state: sources.state,
      liveForMs: sources.liveSince !== undefined ? at - sources.liveSince : null,
      renditions,
      encoder: progress
        ? {
            fps: progress.fps,
            speed: progress.recentSpeed,
            cpuPercent: ffmpegCpu === null ? null : round(ffmpegCpu),
          }
        : null,
      dropped: { encoder: progress?.dropFrames ?? 0, network: sources.groupsDropped ?? null },
      cpuPercent,
      viewers: embedded ? videoViewers : (quality?.viewers ?? null),
      relay: {
        kind: sources.relayKind,
        egressBps: embedded
          ? renditions.reduce((sum, r) => sum + r.bitrateBps * (r.viewers ?? 0), 0)
          : null,
        rttMs: rtt === undefined ? null : round(rtt),
        ...(embedded && sources.relayAccess ? { access: sources.relayAccess } : {}),
      },
      viewerQuality: quality ?? null,
      latencyMs: null,
      ladderDropped: [...(sources.publisher?.droppedRungs ?? [])],
      notes: notes(sources, rtt !== undefined),
    };
  }
}

function notes(sources: StatsSources, hasRtt: boolean): string[] {
  const out = ['glass-to-glass latency is measured by viewers (watch window), not by the studio'];
  if (sources.relayKind === 'remote' && !sources.viewerQuality) {
    out.push('a remote relay does not tell publishers how many viewers it serves or its egress');
  }
  if (sources.connection && !hasRtt) out.push('RTT is unknown over the WebSocket fallback');
  return out;
}

/**
 * Subscribers of one track: the embedded relay's own count (it fans out one upstream copy), or
 * what a remote relay reports on `.stats`.
 */
function viewersOf(sources: StatsSources, track: string): number | null {
  if (sources.relayKind !== 'embedded') {
    return sources.viewerQuality ? (sources.viewerQuality.renditions[track] ?? 0) : null;
  }
  const broadcast =
    sources.publisher && sources.relay?.origin.route(sources.publisher.broadcast.namespace);
  if (!broadcast || broadcast === sources.publisher?.broadcast) return 0;
  return broadcast.liveTrack(track)?.consumerCount ?? 0;
}

function objectsOf(sources: StatsSources, name: string): number {
  return sources.publisher?.stats()[name]?.objects ?? 0;
}

/** utime + stime of a process from /proc (Linux); undefined elsewhere or once it exited. */
async function cpuTicks(pid: number): Promise<number | undefined> {
  if (process.platform !== 'linux' || pid <= 0) return undefined;
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
