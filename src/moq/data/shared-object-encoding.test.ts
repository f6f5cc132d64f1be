import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isShared } from '../../coding/index.js';
import { encodeSharedSubgroupObject } from './shared-object-encoding.js';
import { encodeSubgroupObject } from './subgroup-object.js';

const TYPE_WITH_EXTENSIONS = 0x11;
const payload = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);

test('one buffer per object for every subscriber that sends it alike, byte for byte the plain encoding', () => {
  const object = { objectId: 3, payload };
  const first = encodeSharedSubgroupObject(object, TYPE_WITH_EXTENSIONS, 2, 'quic');
  const second = encodeSharedSubgroupObject({ ...object }, TYPE_WITH_EXTENSIONS, 2, 'quic');
  assert.equal(second, first, 'the same buffer, not a copy');
  assert.ok(isShared(first), 'marked for the transport to keep by reference');
  assert.deepEqual(first, encodeSubgroupObject(object, TYPE_WITH_EXTENSIONS, 2, 'quic'));
});

test('any header difference gets its own bytes: delta, extensions, varint encoding', () => {
  const object = { objectId: 3, payload };
  const base = encodeSharedSubgroupObject(object, TYPE_WITH_EXTENSIONS, 2, 'quic');
  const variants = [
    [{ objectId: 3, payload }, 1, 'quic'],
    [{ objectId: 3, payload, extensions: [{ type: 0x5352, value: 1 }] }, 2, 'quic'],
    [{ objectId: 3, payload, extensions: [{ type: 0x5352, value: 2 }] }, 2, 'quic'],
    [
      { objectId: 3, payload, extensions: [{ type: 0x5353, value: Uint8Array.of(1, 2) }] },
      2,
      'quic',
    ],
    [{ objectId: 3, payload }, 2, 'vi64'],
  ] as const;
  for (const [variant, previous, encoding] of variants) {
    const bytes = encodeSharedSubgroupObject(variant, TYPE_WITH_EXTENSIONS, previous, encoding);
    assert.notEqual(bytes, base);
    assert.deepEqual(
      bytes,
      encodeSubgroupObject(variant, TYPE_WITH_EXTENSIONS, previous, encoding),
    );
  }
});

test('small payloads are encoded afresh (and left unmarked)', () => {
  const object = { objectId: 0, payload: Uint8Array.of(1, 2, 3) };
  const a = encodeSharedSubgroupObject(object, TYPE_WITH_EXTENSIONS, undefined, 'quic');
  const b = encodeSharedSubgroupObject(object, TYPE_WITH_EXTENSIONS, undefined, 'quic');
  assert.notEqual(a, b);
  assert.deepEqual(a, b);
  assert.equal(isShared(a), false);
});
