// Bad hang catalogs as they arrive on the wire: bytes on a catalog.json track, read by the same
// reader the player and moq-sub use. Every bad input is a CatalogError('MALFORMED') naming what
// is wrong, never another exception; fields we do not know are ignored.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { TrackProducer } from '../../moq/index.js';
import { CatalogError } from './catalog-error.js';
import { readCatalogs } from './catalog-reader.js';
import { decodeHangCatalog } from './hang-catalog.js';

const encode = (value: unknown): Uint8Array =>
  value instanceof Uint8Array ? value : new TextEncoder().encode(JSON.stringify(value));

/** The catalogs read from one group: a snapshot then merge patches. */
async function read(...objects: unknown[]): Promise<unknown[]> {
  const track = new TrackProducer('catalog.json');
  const group = track.createGroup();
  for (const object of objects) group.write(encode(object));
  group.close();
  track.close();
  const out: unknown[] = [];
  for await (const catalog of readCatalogs(track.consume('latest'), undefined, 'hang')) {
    out.push(catalog);
  }
  return out;
}

const malformedSaying = (text: RegExp) => (error: unknown) =>
  error instanceof CatalogError && error.code === 'MALFORMED' && text.test(error.message);

const OPUS = {
  codec: 'opus',
  sampleRate: 48_000,
  numberOfChannels: 2,
  container: { kind: 'legacy' },
};

test('broken JSON, bytes that are not UTF-8, and a non-object are MALFORMED', async () => {
  await assert.rejects(
    read(new TextEncoder().encode('{"audio": ')),
    malformedSaying(/not UTF-8 JSON/),
  );
  await assert.rejects(read(new Uint8Array([0x7b, 0xff, 0x7d])), malformedSaying(/not UTF-8 JSON/));
  for (const value of [null, 42, 'catalog', [], true]) {
    await assert.rejects(read(value), malformedSaying(/a hang catalog is a JSON object/));
  }
});

test('wrong types are MALFORMED naming the rendition and the field', async () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ audio: { renditions: { a: { ...OPUS, sampleRate: '48000' } } } }, /audio\.a: sampleRate/],
    [{ audio: { renditions: { a: { ...OPUS, numberOfChannels: null } } } }, /numberOfChannels/],
    [{ video: { renditions: { v: { codec: 'avc1.42e01f', codedWidth: -5 } } } }, /video\.v/],
    [{ video: { renditions: { v: { codec: 'avc1', container: 'legacy' } } } }, /v\.container/],
    [{ video: { renditions: 'none' } }, /video:/],
    [{ audio: 7 }, /audio:/],
  ];
  for (const [catalog, text] of cases) await assert.rejects(read(catalog), malformedSaying(text));
});

test('unknown fields at every level are ignored; an empty catalog has no tracks', async () => {
  const [catalog] = (await read({
    version: 99,
    video: { renditions: {}, display: { width: 1, height: 1 }, flip: true },
    audio: { renditions: { a: { ...OPUS, jitter: 20, future: { x: [1] } } }, priority: 3 },
    chat: { message: { name: 'chat' } },
    user: { name: 'x' },
  })) as Array<{ tracks: Array<{ name: string; codec: string }> }>;
  assert.deepEqual(
    catalog?.tracks.map((t) => `${t.name}:${t.codec}`),
    ['a:opus'],
  );
  const [empty] = (await read({})) as Array<{ tracks: unknown[] }>;
  assert.deepEqual(empty?.tracks, []);
});

test('a merge patch that breaks the catalog is MALFORMED after the good snapshot', async () => {
  const track = new TrackProducer('catalog.json');
  const group = track.createGroup();
  group.write(encode({ audio: { renditions: { a: OPUS } } }));
  group.write(encode({ audio: { renditions: { a: { sampleRate: 'fast' } } } }));
  group.close();
  const updates = readCatalogs(track.consume('latest'), undefined, 'hang');
  assert.equal((await updates.next()).done, false);
  await assert.rejects(updates.next(), malformedSaying(/sampleRate/));
});

test('any JSON value is a catalog or a CatalogError, never another exception', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      try {
        decodeHangCatalog(value);
      } catch (error) {
        assert.ok(error instanceof CatalogError, String(error));
      }
    }),
    { numRuns: 500 },
  );
  // Values shaped like a catalog, with any values inside.
  const rendition = fc.dictionary(
    fc.constantFrom('codec', 'sampleRate', 'numberOfChannels', 'container', 'description', 'x'),
    fc.jsonValue(),
  );
  const section = fc.oneof(
    fc.record({ renditions: fc.dictionary(fc.string(), rendition) }),
    fc.array(fc.record({ track: fc.record({ name: fc.string() }), config: rendition })),
    fc.jsonValue(),
  );
  fc.assert(
    fc.property(fc.record({ video: section, audio: section }, { requiredKeys: [] }), (value) => {
      try {
        decodeHangCatalog(value);
      } catch (error) {
        assert.ok(error instanceof CatalogError, String(error));
      }
    }),
    { numRuns: 500 },
  );
});
