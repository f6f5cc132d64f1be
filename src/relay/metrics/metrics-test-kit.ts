import type { Relay } from '../relay.js';
import { parsePrometheusText, type PromFamily } from './prometheus-text.js';

/** Fetches the relay's /metrics over HTTP and parses it strictly. */
export async function scrape(relay: Relay): Promise<Map<string, PromFamily>> {
  const response = await fetch(`http://127.0.0.1:${relay.port}/metrics`);
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('text/plain')) throw new Error(`/metrics content-type ${type}`);
  return parsePrometheusText(await response.text());
}

/** The sum of a family's samples whose labels include `labels` (0 when there are none). */
export function valueOf(
  families: Map<string, PromFamily>,
  name: string,
  labels: Record<string, string> = {},
): number {
  const family = families.get(name);
  if (!family) throw new Error(`no metric ${name}`);
  return family.samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/** The distinct values one label takes in a family. */
export function labelValues(
  families: Map<string, PromFamily>,
  name: string,
  label: string,
): Set<string> {
  const samples = families.get(name)?.samples ?? [];
  return new Set(samples.flatMap((s) => (s.labels[label] === undefined ? [] : [s.labels[label]])));
}
