import { Lagged, type TrackConsumer } from '../../moq/index.js';
import { decodeCatalog } from './catalog-codec.js';
import type { Catalog } from './catalog-types.js';

/**
 * Every complete catalog on a catalog track as it changes: object 0 of each group (MSF §Catalog:
 * it holds an independent catalog; later objects are deltas, which we do not publish and skip).
 * Lagged readers and groups cut before their object 0 are passed over; a malformed catalog is a
 * CatalogError; the track's end ends the iteration, its error rejects it.
 */
export async function* readCatalogs(
  consumer: TrackConsumer,
  signal?: AbortSignal,
): AsyncGenerator<Catalog> {
  for (;;) {
    const group = await consumer.nextGroup(signal);
    if (group === undefined) return;
    if (group instanceof Lagged) continue;
    let first;
    try {
      first = await group.readObject(signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      continue; // cut before its first object arrived
    }
    if (first?.objectId !== 0) continue;
    yield decodeCatalog(first.payload);
  }
}
