/** `moq-relay --workers N` as a real process tree, for the tests: its log, its URL, its stop. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { until } from '../async/index.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** What the tests read of a JSON log line (pino's fields and the relay's own). */
export interface LogLine {
  msg?: string;
  pid?: number;
  worker?: number;
  url?: string;
  node?: string;
}

export interface RelayWorkersProcess {
  process: ChildProcess;
  /** Every JSON line logged so far, in order (growing while the relay runs). */
  lines: LogLine[];
  /** The primary's URL, once listening. */
  url: string;
  /** SIGTERM, then waits for the process tree's exit. */
  stop(): Promise<void>;
}

/** Starts `moq-relay --bind 127.0.0.1:0 --workers COUNT` and waits until it listens. */
export async function startRelayWorkers(count: number): Promise<RelayWorkersProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src/cli/moq-relay.ts'), '--bind', '127.0.0.1:0'].concat([
      '--workers',
      String(count),
    ]),
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines: LogLine[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line) as LogLine);
    } catch {
      // not a log line
    }
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const listening = await until(
    'the primary listening',
    () => lines.find((l) => l.msg === 'relay listening'),
    { timeoutMs: 60_000 },
  );
  return {
    process: child,
    lines,
    url: listening.url ?? '',
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
