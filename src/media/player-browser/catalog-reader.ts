import { GroupConsumer, type TrackConsumer } from '../../moq/index.js';
import type { Catalog } from '../catalog/catalog-types.js';
import { decodeCatalog } from '../catalog/index.js';

/**
 * The broadcast's catalogs as they are published: each catalog group begins with a whole
 * catalog object. Ends when the catalog track ends; rejects with the track's error.
 */
export async function* catalogs(
  consumer: TrackConsumer,
  signal: AbortSignal,
): AsyncGenerator<Catalog> {
  for (;;) {
    const group = await consumer.nextGroup(signal);
    if (group === undefined) return;
    if (!(group instanceof GroupConsumer)) continue;
    const first = await group.readObject(signal);
    if (first) yield decodeCatalog(first.payload);
  }
}
