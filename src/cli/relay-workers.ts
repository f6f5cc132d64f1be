import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import {
  IpcRegistry,
  MemoryRegistry,
  RedisRegistry,
  serveRegistry,
  type ClusterRegistry,
} from '../relay/cluster/index.js';
import { Relay } from '../relay/index.js';
import {
  CertificateStore,
  CidForwarder,
  FORWARD_SECRET_BYTES,
  certificateFromPem,
  type CertificateStoreOptions,
} from '../transport/index.js';
import type { RelayConfig } from './relay-args.js';
import { loadAuth } from './relay-auth.js';

/** Set in a worker's environment: which worker it is (0-based). */
export const WORKER_ENV = 'MOQ_RELAY_WORKER';
const RESTART_DELAY_MS = 1000;
const STOP_GRACE_MS = 5000;

type ToWorker =
  | {
      type: 'worker-start';
      port: number;
      certPem: string;
      keyPem: string;
      files: boolean;
      /** Hex: what the workers' forwarded QUIC packets start with (CidForwarder). */
      forwardSecret: string;
      /**
       * The other workers' forwarding ports, known before this one joins the port: from its
       * first packet a restarted worker receives flows the kernel moved from the others.
       */
      forwardPorts: Array<[number, number]>;
    }
  | { type: 'worker-cert'; certPem: string; keyPem: string }
  /** Every worker's loopback port for forwarded QUIC packets, by worker index. */
  | { type: 'worker-peers'; forwardPorts: Array<[number, number]> }
  | { type: 'worker-stop' };
type FromWorker =
  | { type: 'worker-ready' }
  | { type: 'worker-listening'; port: number; forwardPort: number }
  | { type: 'worker-failed'; error: string };

export function isWorker(): boolean {
  return process.env[WORKER_ENV] !== undefined;
}

/**
 * `moq-relay --workers N`: N relay processes on one port (SO_REUSEPORT on UDP and TCP: the kernel
 * keeps each QUIC connection and each TCP connection with one worker). The primary makes the
 * certificate once and hands it to every worker (and each rotation after), holds the in-machine
 * registry that joins the workers as a cluster (unless they share Redis), and restarts a worker
 * that dies. The kernel's choice of socket moves when one leaves and rejoins (a restart), so each
 * worker puts its index in its QUIC connection IDs and passes a sibling's packets on to it
 * (CidForwarder): a restart costs the other workers' viewers nothing.
 */
export class RelayWorkers {
  readonly #config: RelayConfig;
  readonly #log: Logger;
  readonly #store: CertificateStore;
  readonly #registry = new MemoryRegistry();
  readonly #workers = new Map<number, ChildProcess>();
  readonly #forwardSecret = randomBytes(FORWARD_SECRET_BYTES).toString('hex');
  readonly #forwardPorts = new Map<number, number>();
  #port = 0;
  #stopping = false;

  private constructor(config: RelayConfig, log: Logger, store: CertificateStore) {
    this.#config = config;
    this.#log = log;
    this.#store = store;
    store.onRotate((next) => {
      for (const worker of this.#workers.values()) {
        send(worker, { type: 'worker-cert', certPem: next.certPem, keyPem: next.keyPem });
      }
    });
  }

  /** Starts worker 0 (which picks the port when it is 0), then the others on its port. */
  static async start(
    config: RelayConfig,
    log: Logger,
    certificates: CertificateStoreOptions,
  ): Promise<RelayWorkers> {
    const store = await CertificateStore.create(certificates);
    const workers = new RelayWorkers(config, log, store);
    try {
      workers.#port = await workers.#spawn(0, config.port);
      const rest = Array.from({ length: config.workers - 1 }, (_, i) => i + 1);
      await Promise.all(rest.map((index) => workers.#spawn(index, workers.#port)));
    } catch (error) {
      await workers.close();
      throw error;
    }
    return workers;
  }

  get port(): number {
    return this.#port;
  }

  get certificateSha256(): string {
    return this.#store.current().sha256Hex;
  }

  async close(): Promise<void> {
    this.#stopping = true;
    const exits = [...this.#workers.values()].map((worker) => {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      send(worker, { type: 'worker-stop' });
      const kill = setTimeout(() => worker.kill('SIGKILL'), STOP_GRACE_MS);
      return exited.finally(() => clearTimeout(kill));
    });
    await Promise.all(exits);
    this.#store.close();
  }

  #spawn(index: number, port: number): Promise<number> {
    const worker = fork(process.argv[1] as string, process.argv.slice(2), {
      env: { ...process.env, [WORKER_ENV]: String(index) },
      execArgv: process.execArgv,
    });
    this.#workers.set(index, worker);
    if (!this.#config.cluster) serveRegistry(this.#registry, worker);
    const listening = new Promise<number>((resolve, reject) => {
      worker.on('message', (message: FromWorker) => {
        // Sent once the worker listens for it (a message before that would be lost).
        if (message.type === 'worker-ready') {
          const { certPem, keyPem } = this.#store.current();
          const files = this.#store.source === 'files';
          send(worker, {
            type: 'worker-start',
            port,
            certPem,
            keyPem,
            files,
            forwardSecret: this.#forwardSecret,
            forwardPorts: [...this.#forwardPorts],
          });
        }
        if (message.type === 'worker-listening') {
          this.#peered(index, message.forwardPort);
          resolve(message.port);
        }
        if (message.type === 'worker-failed') reject(new Error(message.error));
      });
      worker.once('exit', (code) => reject(new Error(`worker ${index} exited (${code})`)));
    });
    worker.once('exit', (code, signal) => this.#exited(index, worker, code, signal));
    return listening;
  }

  /** A worker listens: every worker learns where to forward its packets. */
  #peered(index: number, forwardPort: number): void {
    this.#forwardPorts.set(index, forwardPort);
    const forwardPorts = [...this.#forwardPorts];
    for (const worker of this.#workers.values())
      send(worker, { type: 'worker-peers', forwardPorts });
  }

  #exited(index: number, worker: ChildProcess, code: number | null, signal: string | null): void {
    if (this.#workers.get(index) !== worker) return;
    this.#workers.delete(index);
    if (this.#stopping) return;
    this.#log.warn({ worker: index, code, signal }, 'relay worker died: restarting it');
    setTimeout(() => {
      if (this.#stopping) return;
      this.#spawn(index, this.#port).catch((error: unknown) =>
        this.#log.warn({ worker: index, error: String(error) }, 'relay worker restart failed'),
      );
    }, RESTART_DELAY_MS);
  }
}

/** A worker's life: wait for the primary's start, run a relay on the shared port, stop on cue. */
export async function runWorker(config: RelayConfig, log: Logger): Promise<void> {
  const index = Number(process.env[WORKER_ENV]);
  const start = await new Promise<Extract<ToWorker, { type: 'worker-start' }>>((resolve) => {
    const onMessage = (message: ToWorker): void => {
      if (message.type !== 'worker-start') return; // registry news may come first
      process.off('message', onMessage);
      resolve(message);
    };
    process.on('message', onMessage);
    process.send?.({ type: 'worker-ready' } satisfies FromWorker);
  });
  const store = CertificateStore.shared(
    certificateFromPem(start.certPem, start.keyPem),
    start.files ? 'files' : 'generated',
  );
  let relay: Relay;
  let registry: ClusterRegistry | undefined;
  const forwarder = await CidForwarder.bind(Buffer.from(start.forwardSecret, 'hex'));
  forwarder.setPeers(new Map(start.forwardPorts));
  const onPeers = (message: ToWorker): void => {
    if (message.type === 'worker-peers') forwarder.setPeers(new Map(message.forwardPorts));
  };
  process.on('message', onPeers);
  try {
    registry = config.cluster
      ? await RedisRegistry.connect({ url: config.cluster.redis ?? '', logger: log })
      : new IpcRegistry();
    const peerHost = config.cluster?.node ? new URL(config.cluster.node).hostname : '127.0.0.1';
    relay = await Relay.start({
      auth: await loadAuth(config, log),
      host: config.host,
      port: start.port,
      reusePort: true,
      quicRouting: { id: index, forwarder },
      certificates: store,
      limits: config.limits,
      logger: log.child({ worker: index }),
      peerBind: { host: peerHost, port: 0 },
      cluster: {
        registry,
        upstream: config.cluster?.upstream,
        token: config.cluster?.token,
        graceMs: config.cluster?.graceMs,
      },
    });
  } catch (error) {
    await registry?.close();
    forwarder.close();
    process.send?.({ type: 'worker-failed', error: String(error) } satisfies FromWorker);
    return;
  }
  log.info(
    { worker: index, port: relay.port, node: relay.cluster?.node },
    'relay worker listening',
  );
  process.send?.({
    type: 'worker-listening',
    port: relay.port,
    forwardPort: forwarder.port,
  } satisfies FromWorker);
  // Ctrl-C reaches the whole process group: the primary decides when workers stop.
  process.on('SIGINT', () => undefined);
  await new Promise<void>((resolve) => {
    process.on('message', (message: ToWorker) => {
      if (message.type === 'worker-cert') {
        store.replace(certificateFromPem(message.certPem, message.keyPem));
      }
      if (message.type === 'worker-stop') resolve();
    });
    process.once('SIGTERM', () => resolve());
    process.once('disconnect', () => resolve()); // the primary is gone
  });
  await relay.close();
  forwarder.close();
}

function send(worker: ChildProcess, message: ToWorker): void {
  if (!worker.connected) return;
  worker.send(message, (error) => void error);
}
