import { Lagged, type GroupConsumer, type TrackConsumer } from '../../moq/index.js';
import { decodeCatalog } from './catalog-codec.js';
import { CatalogError } from './catalog-error.js';
import type { Catalog } from './catalog-types.js';
import { applyMergePatch, decodeHangCatalog } from './hang-catalog.js';

/** Which catalog a track carries: MSF's `catalog`, or hang's `catalog.json`. */
export type CatalogFormat = 'msf' | 'hang';

/**
 * Every complete catalog on a catalog track as it changes. MSF (§Catalog): object 0 of each
 * group holds an independent catalog; later objects are deltas, which we do not publish and
 * skip. Hang: object 0 is a JSON snapshot and every later object a merge patch on it, each a
 * new catalog. Lagged readers and groups cut before their object 0 are passed over; a malformed
 * catalog is a CatalogError; the track's end ends the iteration, its error rejects it.
 */
export async function* readCatalogs(
  consumer: TrackConsumer,
  signal?: AbortSignal,
  format: CatalogFormat = 'msf',
): AsyncGenerator<Catalog> {
  for (;;) {
    const group = await consumer.nextGroup(signal);
    if (group === undefined) return;
    if (group instanceof Lagged) continue;
    if (format === 'hang') yield* readHangGroup(group, signal);
    else {
      const first = await firstObject(group, signal);
      if (first) yield decodeCatalog(first);
    }
  }
}

async function firstObject(
  group: GroupConsumer,
  signal?: AbortSignal,
): Promise<Uint8Array | undefined> {
  try {
    const first = await group.readObject(signal);
    return first?.objectId === 0 ? first.payload : undefined;
  } catch (error) {
    if (signal?.aborted) throw error;
    return undefined; // cut before its first object arrived
  }
}

async function* readHangGroup(group: GroupConsumer, signal?: AbortSignal): AsyncGenerator<Catalog> {
  const first = await firstObject(group, signal);
  if (!first) return;
  let value = parseJson(first);
  yield decodeHangCatalog(value);
  for (;;) {
    let next;
    try {
      next = await group.readObject(signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      return; // the rest of the group was cut: the next group brings a snapshot
    }
    if (!next) return;
    value = applyMergePatch(value, parseJson(next.payload));
    yield decodeHangCatalog(value);
  }
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new CatalogError('MALFORMED', `catalog is not UTF-8 JSON: ${String(error)}`);
  }
}
