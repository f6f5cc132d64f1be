import { utilityProcess, type UtilityProcess } from 'electron';
import { join } from 'node:path';
import {
  STUDIO_EVENTS,
  StudioError,
  studioOverPort,
  type StudioApi,
  type StudioClient,
  type StudioEventName,
  type StudioListener,
  type StudioMethod,
} from '../studio/index.js';

/** Wait before starting a crashed engine again (a crash loop must not spin). */
const RESTART_DELAY_MS = 1000;

/**
 * The studio engine in a utilityProcess, seen from the main process as a StudioApi: every
 * command goes over the process's port, every event comes back over it. When the engine dies it
 * is started again, the windows are told in the log, and their listeners stay subscribed.
 */
export class EngineHost {
  readonly api: StudioApi;
  readonly #options: { dataDir: string; version: string };
  readonly #listeners = new Map<StudioEventName, Set<(data: never) => void>>();
  #child: UtilityProcess | undefined;
  #client: StudioClient | undefined;
  #closing = false;

  constructor(options: { dataDir: string; version: string }) {
    this.#options = options;
    this.api = this.#proxy();
    this.#start();
  }

  /** Stops the engine (it closes the studio: broadcast ended, relay closed). */
  close(): void {
    this.#closing = true;
    this.#child?.kill();
  }

  #start(): void {
    const child = utilityProcess.fork(join(import.meta.dirname, 'engine.js'), [], {
      serviceName: 'MoQ Studio engine',
      env: {
        ...process.env,
        MOQ_STUDIO_DATA_DIR: this.#options.dataDir,
        MOQ_STUDIO_VERSION: this.#options.version,
      },
    });
    const client = studioOverPort({
      post: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', listener),
      onClose: (listener) => child.on('exit', listener),
      close: () => void child.kill(),
    });
    for (const event of STUDIO_EVENTS) {
      client.on(event, (data) => this.#emit(event, data));
    }
    child.on('exit', (code) => this.#onExit(code));
    this.#child = child;
    this.#client = client;
  }

  #onExit(code: number): void {
    if (this.#closing) return;
    this.#emit('log', {
      level: 'error',
      message: `the studio engine stopped unexpectedly (exit code ${code}); starting it again`,
      time: Date.now(),
    });
    setTimeout(() => this.#start(), RESTART_DELAY_MS);
  }

  #emit(event: StudioEventName, data: unknown): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        (listener as (value: unknown) => void)(data);
      } catch {
        // One window's listener failing breaks nothing else.
      }
    }
  }

  #current(): StudioClient {
    if (!this.#client)
      throw new StudioError('INTERNAL', 'the studio engine is starting', 'try again');
    return this.#client;
  }

  /** A StudioApi whose every command goes to the engine running now. */
  #proxy(): StudioApi {
    const on = <E extends StudioEventName>(event: E, listener: StudioListener<E>): (() => void) => {
      let set = this.#listeners.get(event);
      if (!set) this.#listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => void set.delete(listener);
    };
    return new Proxy({ on } as StudioApi, {
      get: (_target, name: string) => {
        if (name === 'on') return on;
        return (...args: unknown[]): unknown => {
          const client = this.#current();
          const method = client[name as StudioMethod] as (...a: unknown[]) => unknown;
          return method.apply(client, args);
        };
      },
    });
  }
}
