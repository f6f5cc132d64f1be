import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { EncoderError } from './encoder-error.js';

export interface FindToolOptions {
  /** Environment to read `FFMPEG_PATH`, `FFPROBE_PATH` and `PATH` from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

const VERSION_TIMEOUT_MS = 5_000;

/**
 * Finds a working ffmpeg: the `ffmpeg-static` package, then `FFMPEG_PATH`, then `ffmpeg` on
 * `PATH`. Each candidate must run `-version`, so a stale path fails here and not mid-broadcast.
 */
export async function findFfmpeg(options: FindToolOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const failures: string[] = [];
  const candidates: Array<[string, () => Promise<string>]> = [
    ['the ffmpeg-static package', () => ffmpegStaticPath()],
    ['FFMPEG_PATH', async () => fromEnv(env, 'FFMPEG_PATH')],
    ['PATH', () => onPath('ffmpeg', env)],
  ];
  for (const [place, locate] of candidates) {
    try {
      const path = await locate();
      await runsVersion(path, options.signal);
      return path;
    } catch (error) {
      failures.push(`${place}: ${reason(error)}`);
    }
  }
  throw new EncoderError('FFMPEG_NOT_FOUND', `no working ffmpeg found (${failures.join('; ')})`);
}

/**
 * Finds ffprobe: `FFPROBE_PATH`, then next to the given ffmpeg, then on `PATH`. Returns
 * undefined when there is none; probing then falls back to `ffmpeg -i`.
 */
export async function findFfprobe(
  ffmpegPath?: string,
  options: FindToolOptions = {},
): Promise<string | undefined> {
  const env = options.env ?? process.env;
  const exe = process.platform === 'win32' ? 'ffprobe.exe' : 'ffprobe';
  const candidates: Array<() => Promise<string>> = [
    async () => fromEnv(env, 'FFPROBE_PATH'),
    async () => {
      if (!ffmpegPath || !ffmpegPath.includes('/')) throw new Error('no ffmpeg folder');
      return join(dirname(ffmpegPath), exe);
    },
    () => onPath('ffprobe', env),
  ];
  for (const locate of candidates) {
    try {
      const path = await locate();
      await runsVersion(path, options.signal);
      return path;
    } catch {
      // Try the next place; ffprobe is optional.
    }
  }
  return undefined;
}

async function ffmpegStaticPath(): Promise<string> {
  // A variable specifier keeps bundlers and tsc from requiring the optional package.
  const specifier = 'ffmpeg-static';
  let mod: unknown;
  try {
    mod = await import(specifier);
  } catch {
    throw new Error('not installed');
  }
  const packed = (mod as { default?: unknown }).default;
  if (typeof packed !== 'string' || packed.length === 0) throw new Error('it has no binary');
  const path = unpackedFromAsar(packed);
  await access(path, constants.X_OK).catch(() => {
    throw new Error(`its binary ${path} is missing (its download may have failed)`);
  });
  return path;
}

/**
 * In a packaged app the package resolves inside app.asar, which cannot be executed; the
 * binary itself is shipped beside it in app.asar.unpacked (electron-builder.yml `asarUnpack`).
 */
export function unpackedFromAsar(path: string): string {
  return path.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

function fromEnv(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error('not set');
  return value;
}

async function onPath(name: string, env: NodeJS.ProcessEnv): Promise<string> {
  const exe = process.platform === 'win32' ? `${name}.exe` : name;
  const dirs = (env.PATH ?? '').split(delimiter).filter((d) => d.length > 0);
  for (const dir of dirs) {
    const path = join(dir, exe);
    try {
      await access(path, constants.X_OK);
      return path;
    } catch {
      // Not in this folder.
    }
  }
  throw new Error(`no executable ${exe} in ${dirs.length} folders`);
}

function runsVersion(path: string, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(path, ['-version'], { timeout: VERSION_TIMEOUT_MS, signal }, (error, stdout) => {
      if (error) {
        reject(new Error(`${path} does not run (${error.message.split('\n')[0]})`));
        return;
      }
      if (!/version/i.test(stdout)) {
        reject(new Error(`${path} -version printed no version`));
        return;
      }
      resolve();
    });
  });
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
