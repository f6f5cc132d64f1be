import { availableParallelism } from 'node:os';
import { parseCount } from './args.js';
import { CliError } from './cli-error.js';

/** `--cluster-*` and `--workers`: how this relay joins others. */
export interface ClusterConfig {
  /** redis://… : the registry between machines. */
  redis: string | undefined;
  /** The URL peers reach this relay by. */
  node: string | undefined;
  /** Ask this relay for remote broadcasts (multi-hop). */
  upstream: string | undefined;
  /** Sent to peers as ?jwt= (a JWT with the `cluster: true` claim). */
  token: string | undefined;
  graceMs: number | undefined;
}

export const CLUSTER_USAGE = `Cluster:
  --cluster-redis URL              join a cluster through Redis (redis://host:port)
  --cluster-node URL               the URL peers reach this relay by (http://host:port/)
  --cluster-upstream URL           ask this relay for remote broadcasts (edge → mid → origin)
  --cluster-token TOKEN            token for relay-to-relay sessions (sent as ?jwt=); also
                                   read from MOQ_CLUSTER_TOKEN
  --cluster-grace-ms N             how long viewers wait for a broadcast to come back (5000)
  --workers N                      relay processes on the port (default 1; with
                                   --cluster-redis one per core on Linux)`;

export const CLUSTER_FLAGS = {
  'cluster-redis': { type: 'string' },
  'cluster-node': { type: 'string' },
  'cluster-upstream': { type: 'string' },
  'cluster-token': { type: 'string' },
  'cluster-grace-ms': { type: 'string' },
  workers: { type: 'string' },
} as const;

type ClusterFlags = Partial<Record<keyof typeof CLUSTER_FLAGS, string>>;

export function parseClusterArgs(flags: ClusterFlags): ClusterConfig | undefined {
  const redis = flags['cluster-redis'];
  const node = flags['cluster-node'];
  const upstream = flags['cluster-upstream'];
  const token = flags['cluster-token'] ?? process.env.MOQ_CLUSTER_TOKEN;
  const grace = flags['cluster-grace-ms'];
  if (redis !== undefined) checkUrl('--cluster-redis', redis, ['redis:', 'rediss:']);
  if (node !== undefined) checkUrl('--cluster-node', node, ['http:', 'https:']);
  if (upstream !== undefined) checkUrl('--cluster-upstream', upstream, ['http:', 'https:']);
  if (redis === undefined) {
    const stray = node ?? upstream;
    if (stray !== undefined) {
      throw new CliError('USAGE', '--cluster-node and --cluster-upstream need --cluster-redis');
    }
    return undefined;
  }
  if (node === undefined) {
    throw new CliError('USAGE', '--cluster-redis needs --cluster-node (how peers reach us)');
  }
  const graceMs = grace === undefined ? undefined : parseCount('cluster-grace-ms', grace, 0);
  return { redis, node, upstream, token, graceMs };
}

/**
 * `--workers N`. By default a relay that joins a cluster runs one worker per core where
 * SO_REUSEPORT spreads the load (Linux); a relay alone stays one process, as it always was.
 */
export function parseWorkers(text: string | undefined, clustered: boolean): number {
  if (text !== undefined) return parseCount('workers', text, 1, 256);
  return clustered && process.platform === 'linux' ? availableParallelism() : 1;
}

function checkUrl(flag: string, text: string, schemes: string[]): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError('USAGE', `${flag} must be a URL, got '${text}'`);
  }
  if (!schemes.includes(url.protocol)) {
    throw new CliError('USAGE', `${flag} must start with ${schemes.join(' or ')}//, got '${text}'`);
  }
}
