import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BenchChild } from './child.js';
import { MissingComponentError } from './errors.js';
import { freePort } from './free-port.js';
import { watchListSchema } from './page-schemas.js';
import { sleep, waitFor } from './wait.js';

const BIN = (name: string): string => fileURLToPath(new URL(`../../bin/${name}`, import.meta.url));
/**
 * The publisher's head start once the relay lists it, so the viewer joins a stream in its steady
 * state (the HLS side waits for 3 segments).
 */
const PUBLISH_WARMUP_MS = 3000;

export interface MoqStackOptions {
  name: string;
  ladder: string;
  gopMs: number;
}

/**
 * The MoQ side's servers: moq-relay and moq-pub, each its own process (as a real deployment
 * would run them), so their CPU is neither the benchmark's nor the browser's.
 */
export class MoqStack {
  readonly port: number;
  readonly #relay: BenchChild;
  #pub: BenchChild | undefined;

  private constructor(port: number, relay: BenchChild) {
    this.port = port;
    this.#relay = relay;
  }

  /** Starts both and resolves once the broadcast is live and past its warm-up. */
  static async start(options: MoqStackOptions): Promise<MoqStack> {
    if (!existsSync(BIN('moq-pub.mjs'))) {
      throw new MissingComponentError('bin/moq-pub.mjs is missing');
    }
    const port = await freePort();
    const stack = new MoqStack(port, await startRelay(port));
    try {
      stack.#pub = BenchChild.spawn('moq-pub', process.execPath, [
        ...[BIN('moq-pub.mjs'), '--url', stack.url, '--name', options.name, '--test-pattern'],
        ...['--ladder', options.ladder, '--gop-ms', String(options.gopMs)],
      ]);
      await stack.#waitForBroadcast(options.name);
      return stack;
    } catch (error) {
      await stack.stop();
      throw error;
    }
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  /** Why a server died on its own, if one did. */
  failure(): Error | undefined {
    return this.#relay.failed() ?? this.#pub?.failed();
  }

  /**
   * moq-pub's last status line (its encoder's fps and speed): below 1× the encoder lags real
   * time, which prft-based latency cannot show (prft is stamped when ffmpeg muxes, after any
   * backlog).
   */
  publisherStatus(): string {
    const lines = this.#pub?.tail().split('\n') ?? [];
    return lines.reverse().find((line) => line.startsWith('moq-pub:')) ?? 'moq-pub: no status';
  }

  async stop(): Promise<void> {
    await this.#pub?.stop();
    await this.#relay.stop();
  }

  async #isListed(name: string): Promise<boolean> {
    const response = await fetch(`${this.url}watch.json`);
    if (!response.ok) return false;
    const body = watchListSchema.parse(await response.json());
    return body.broadcasts.some((b) => b.name === name);
  }

  /**
   * Waits for the relay to list the broadcast, then fetches the player script once: the relay
   * bundles it on first request, a one-off cost no later viewer pays.
   */
  async #waitForBroadcast(name: string): Promise<void> {
    await waitFor('the relay to list the broadcast', 60_000, async () => {
      const failed = this.failure();
      if (failed) throw failed;
      return (await this.#isListed(name)) ? true : undefined;
    });
    const script = await fetch(`${this.url}player/watch.js`);
    if (!script.ok) throw new MissingComponentError(`/player/watch.js: HTTP ${script.status}`);
    await script.arrayBuffer();
    await sleep(PUBLISH_WARMUP_MS);
    const failed = this.failure();
    if (failed) throw failed;
  }
}

async function startRelay(port: number): Promise<BenchChild> {
  const relay = BenchChild.spawn('moq-relay', process.execPath, [
    ...[BIN('moq-relay.mjs'), '--bind', `127.0.0.1:${port}`, '--log-level', 'warn'],
  ]);
  try {
    await waitFor('the relay to listen', 30_000, async () => {
      const failed = relay.failed();
      if (failed) throw failed;
      try {
        return (await fetch(`http://127.0.0.1:${port}/certificate.sha256`)).ok ? true : undefined;
      } catch {
        return undefined;
      }
    });
    return relay;
  } catch (error) {
    await relay.stop();
    throw error;
  }
}
