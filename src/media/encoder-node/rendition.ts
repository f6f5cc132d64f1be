import { EncoderError } from './encoder-error.js';

/** One rung of the video ladder. */
export interface Rendition {
  /** e.g. `720p`; also the name of the encoder output that carries it. */
  name: string;
  width: number;
  height: number;
  framerate: number;
  bitrateBps: number;
}

/** Bitrates for 30 fps H.264 at `veryfast`, by height. */
const KNOWN_RUNGS: ReadonlyMap<number, number> = new Map([
  [1440, 9_000_000],
  [1080, 4_500_000],
  [720, 2_500_000],
  [480, 1_200_000],
  [360, 800_000],
  [240, 400_000],
]);

const DEFAULT_FRAMERATE = 30;

function rung(height: number, bitrateBps: number, framerate = DEFAULT_FRAMERATE): Rendition {
  return { name: `${height}p`, width: evenWidth(height, 16 / 9), height, framerate, bitrateBps };
}

function evenWidth(height: number, aspect: number): number {
  return Math.max(2, Math.round((height * aspect) / 2) * 2);
}

export const DEFAULT_LADDER: readonly Rendition[] = Object.freeze([
  rung(1080, 4_500_000),
  rung(720, 2_500_000),
  rung(360, 800_000),
]);

const RUNG_PATTERN = /^(\d+)p(?:(\d+))?(?:@(\d+(?:\.\d+)?)([kKmM])?)?$/;

/**
 * Reads a ladder such as `1080p,720p,360p`, with optional frame rates and bitrates:
 * `720p60@4M`, `360p@800k`.
 */
export function parseLadder(text: string): Rendition[] {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length === 0) throw new EncoderError('BAD_LADDER', 'the ladder is empty');
  const ladder = parts.map(parseRung);
  const names = new Set(ladder.map((r) => r.name));
  if (names.size !== ladder.length) {
    throw new EncoderError('BAD_LADDER', `the ladder "${text}" names a rendition twice`);
  }
  return ladder;
}

function parseRung(part: string): Rendition {
  const match = RUNG_PATTERN.exec(part);
  const height = Number(match?.[1]);
  const defaultBitrateBps = KNOWN_RUNGS.get(height);
  if (!match || defaultBitrateBps === undefined) {
    const known = [...KNOWN_RUNGS.keys()].map((h) => `${h}p`).join(', ');
    throw new EncoderError(
      'BAD_LADDER',
      `unknown rendition "${part}": use one of ${known}, optionally with a frame rate and a bitrate (720p60@4M)`,
    );
  }
  const framerate = match[2] ? Number(match[2]) : DEFAULT_FRAMERATE;
  if (framerate < 1 || framerate > 120) {
    throw new EncoderError('BAD_LADDER', `frame rate out of range in "${part}" (1–120)`);
  }
  const bitrateBps = match[3] ? parseBitrate(match[3], match[4]) : defaultBitrateBps;
  if (bitrateBps < 50_000 || bitrateBps > 100_000_000) {
    throw new EncoderError('BAD_LADDER', `bitrate out of range in "${part}" (50k–100M)`);
  }
  const rendition = rung(height, bitrateBps, framerate);
  return framerate === DEFAULT_FRAMERATE
    ? rendition
    : { ...rendition, name: `${height}p${framerate}` };
}

function parseBitrate(value: string, unit: string | undefined): number {
  const scale = unit?.toLowerCase() === 'm' ? 1e6 : unit?.toLowerCase() === 'k' ? 1e3 : 1;
  return Math.round(Number(value) * scale);
}

/**
 * Adapts a ladder to a source: never upscales (rungs taller than the source are dropped, and
 * when none remains one rung at the source size is kept), keeps the source aspect ratio with
 * even widths, and never raises the frame rate above the source's.
 */
export function fitLadder(
  ladder: readonly Rendition[],
  sourceWidth: number,
  sourceHeight: number,
  sourceFramerate?: number,
): Rendition[] {
  if (sourceWidth <= 0 || sourceHeight <= 0) {
    throw new EncoderError('BAD_OPTIONS', `bad source size ${sourceWidth}x${sourceHeight}`);
  }
  const aspect = sourceWidth / sourceHeight;
  const capFramerate = (fps: number): number =>
    sourceFramerate && sourceFramerate > 0 ? Math.min(fps, sourceFramerate) : fps;
  const fitting = ladder.filter((r) => r.height <= sourceHeight);
  if (fitting.length === 0) {
    // The shortest rung has the most bits per pixel: scale its bitrate to the source's pixels.
    const shortest = [...ladder].sort((a, b) => a.height - b.height)[0];
    if (!shortest) return [];
    const height = sourceHeight - (sourceHeight % 2);
    const width = evenWidth(height, aspect);
    const pixelRatio = (height * width) / (shortest.height * shortest.width);
    return [
      {
        name: `${height}p`,
        width,
        height,
        framerate: capFramerate(shortest.framerate),
        bitrateBps: Math.round(shortest.bitrateBps * Math.min(1, pixelRatio)),
      },
    ];
  }
  return fitting.map((r) => ({
    ...r,
    width: evenWidth(r.height, aspect),
    framerate: capFramerate(r.framerate),
  }));
}
