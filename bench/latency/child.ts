import { spawn, type ChildProcess } from 'node:child_process';
import { ChildExitedError } from './errors.js';

const TAIL_LINES = 20;

/**
 * A child process of the benchmark (ffmpeg, the relay, the publisher). Keeps the last lines of
 * its output so a failure can say why, and stops it with SIGINT first so it can end cleanly.
 */
export class BenchChild {
  readonly #process: ChildProcess;
  readonly #tail: string[] = [];
  readonly #exited: Promise<void>;
  #exitError: ChildExitedError | undefined;
  #stopping = false;

  private constructor(program: string, child: ChildProcess) {
    this.#process = child;
    child.stdout?.on('data', (chunk: Buffer) => this.#remember(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.#remember(chunk));
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        if (!this.#stopping) {
          this.#exitError = new ChildExitedError(program, code, signal, this.tail());
        }
        resolve();
      });
      child.once('error', (error) => {
        this.#exitError = new ChildExitedError(program, null, null, String(error));
        resolve();
      });
    });
  }

  static spawn(program: string, command: string, args: readonly string[]): BenchChild {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
      cwd: process.cwd(),
    });
    return new BenchChild(program, child);
  }

  get pid(): number | undefined {
    return this.#process.pid;
  }

  /** The exit error if the child died on its own, so waits can fail fast instead of timing out. */
  failed(): ChildExitedError | undefined {
    return this.#exitError;
  }

  /** Resolves when the process ends by itself; rejects if it ended with a failure. */
  async done(): Promise<void> {
    await this.#exited;
    if (this.#process.exitCode !== 0 && this.#exitError) throw this.#exitError;
  }

  tail(): string {
    return this.#tail.join('\n');
  }

  async stop(graceMs = 5000): Promise<void> {
    if (this.#process.exitCode !== null || this.#process.signalCode !== null) return;
    this.#stopping = true;
    this.#process.kill('SIGINT');
    const timer = setTimeout(() => this.#process.kill('SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }

  #remember(chunk: Buffer): void {
    for (const line of chunk.toString('utf8').split(/\r?\n|\r/)) {
      if (!line.trim()) continue;
      this.#tail.push(line);
      if (this.#tail.length > TAIL_LINES) this.#tail.shift();
    }
  }
}
