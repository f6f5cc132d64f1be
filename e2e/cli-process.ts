// The command-line tools as real processes: output kept line by line (or binary stdout to a
// file), waits that fail with everything the process said.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after } from 'node:test';

export const ROOT = join(import.meta.dirname, '..');
export const WAIT_MS = 15_000;

export type Program =
  'moq-relay' | 'moq-clock' | 'moq-pub' | 'moq-sub' | 'moq-studio' | 'moq-token';
type Stream = 'stdout' | 'stderr';
export type Exit = { code: number | null; signal: NodeJS.Signals | null };

export interface CliOptions {
  /** Write stdout (binary) to this file instead of keeping its lines. */
  stdoutFile?: string;
  /** Give the process a stdin pipe (`child.stdin`). */
  stdin?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** A CLI run through its bin/ launcher, with its output kept line by line. */
export class Cli {
  readonly child: ChildProcess;
  readonly lines: Record<Stream, string[]> = { stdout: [], stderr: [] };
  readonly exited: Promise<Exit>;
  #waiters = new Set<() => void>();

  constructor(program: Program, args: string[], options: CliOptions = {}) {
    const out = options.stdoutFile ? openSync(options.stdoutFile, 'w') : 'pipe';
    this.child = spawn(process.execPath, [join(ROOT, 'bin', `${program}.mjs`), ...args], {
      cwd: ROOT,
      env: options.env ?? process.env,
      stdio: [options.stdin ? 'pipe' : 'ignore', out, 'pipe'],
    });
    if (typeof out === 'number') closeSync(out);
    for (const stream of ['stdout', 'stderr'] as const) {
      const source = this.child[stream];
      if (!source) continue;
      createInterface({ input: source }).on('line', (line) => {
        this.lines[stream].push(line);
        this.#wake();
      });
    }
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        resolve({ code, signal });
        this.#wake();
      });
    });
    running.add(this);
    void this.exited.then(() => running.delete(this));
  }

  /** Resolves with the first line (seen or to come) that `match` accepts. */
  async waitForLine(
    stream: Stream,
    match: (line: string) => boolean,
    ms = WAIT_MS,
  ): Promise<string> {
    return this.waitFor(`a line on ${stream}`, () => this.lines[stream].find(match), ms);
  }

  /** Resolves once `probe` returns something, failing after `ms` with both outputs shown. */
  async waitFor<T>(what: string, probe: () => T | undefined, ms = WAIT_MS): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = probe();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${this.dump()}`);
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          this.#waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, 200);
        this.#waiters.add(wake);
      });
    }
  }

  /** Waits for the exit, failing after `ms`. */
  async exit(ms = WAIT_MS): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no exit within ${ms} ms\n${this.dump()}`)), ms);
    });
    try {
      return await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  dump(): string {
    return `stdout:\n${this.lines.stdout.join('\n')}\nstderr:\n${this.lines.stderr.join('\n')}`;
  }

  #wake(): void {
    for (const wake of this.#waiters) wake();
  }
}

const running = new Set<Cli>();
after(() => {
  for (const cli of running) cli.child.kill('SIGKILL');
});

export interface Listening {
  url: string;
  certificateSha256: string;
}

/** Starts moq-relay on a free loopback port and reads its startup line. */
export async function startRelay(): Promise<{ relay: Cli; listening: Listening }> {
  const relay = new Cli('moq-relay', ['--bind', '127.0.0.1:0']);
  const line = await relay.waitForLine('stdout', (l) => l.includes('"relay listening"'));
  return { relay, listening: JSON.parse(line) as Listening };
}

/** A TCP port nobody listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address !== 'object') throw new Error('no port');
  return address.port;
}
