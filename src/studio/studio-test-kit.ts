import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { MoqSession } from '../moq/index.js';
import { connectRelay } from '../client/index.js';
import { nodeDialers } from '../transport/index.js';
import type { StudioEventName, StudioEvents, StudioStatus } from './studio-api.js';
import { createStudio, type Studio, type StudioOptions } from './studio.js';

/** A studio in a fresh temporary data directory; `dispose` closes it and removes the folder. */
export async function tempStudio(
  options: Partial<StudioOptions> = {},
): Promise<{ studio: Studio; dataDir: string; dispose: () => Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'moq-studio-test-'));
  const studio = await createStudio({ appVersion: 'test', dataDir, ...options });
  return {
    studio,
    dataDir,
    dispose: async () => {
      await studio.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resolves with the first event of `event` for which `check` holds, or rejects after `ms`. */
export function nextEvent<E extends StudioEventName>(
  studio: Studio,
  event: E,
  check: (data: StudioEvents[E]) => boolean,
  ms = 20_000,
): Promise<StudioEvents[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching ${event} event within ${ms} ms`));
    }, ms);
    const off = studio.on(event, (data) => {
      if (!check(data)) return;
      clearTimeout(timer);
      off();
      resolve(data);
    });
  });
}

export const inState =
  (state: StudioStatus['state']) =>
  (status: StudioStatus): boolean =>
    status.state === state;

/** A viewer: a plain MoQ client session to the relay at `url`. */
export async function viewerSession(url: string): Promise<MoqSession> {
  const connection = await connectRelay(url, nodeDialers, { transport: 'quic' });
  return connection.session;
}

/** The pid of the ffmpeg this test process's studio runs (its only ffmpeg child once live). */
export async function ffmpegChild(): Promise<number> {
  const { stdout } = await promisify(execFile)('ps', [
    '-o',
    'pid=,comm=',
    '--ppid',
    `${process.pid}`,
  ]);
  const line = stdout
    .split('\n')
    .map((row) => row.trim().split(/\s+/))
    .find(([, comm]) => comm === 'ffmpeg');
  if (!line?.[0]) throw new Error(`no ffmpeg child in:\n${stdout}`);
  return Number(line[0]);
}
