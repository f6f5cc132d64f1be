import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { MoqError } from '../error/index.js';
import type { KeyValuePair } from '../message/index.js';
import {
  type ObjectDatagram,
  ObjectStatus,
  decodeObjectDatagram,
  encodeObjectDatagram,
  objectDatagramType,
} from './index.js';

const varint = fc.oneof(fc.integer({ min: 0, max: 63 }), fc.maxSafeNat());
const extension: fc.Arbitrary<KeyValuePair> = fc.oneof(
  fc.record({ type: fc.nat(100).map((t) => t * 2), value: varint }, { noNullPrototype: true }),
  fc.record(
    { type: fc.nat(100).map((t) => t * 2 + 1), value: fc.uint8Array({ maxLength: 8 }) },
    { noNullPrototype: true },
  ),
);
const datagram: fc.Arbitrary<ObjectDatagram> = fc
  .record(
    {
      trackAlias: varint,
      groupId: varint,
      objectId: fc.oneof(fc.constant(0), varint),
      publisherPriority: fc.nat(255),
      extensions: fc.array(extension, { maxLength: 3 }),
      endOfGroup: fc.boolean(),
      status: fc.constantFrom(...Object.values(ObjectStatus)),
      payload: fc.uint8Array({ maxLength: 64 }),
    },
    { noNullPrototype: true },
  )
  .map((d) => {
    if (d.status === ObjectStatus.Normal) return d;
    const extensions = d.status === ObjectStatus.DoesNotExist ? [] : d.extensions;
    return { ...d, extensions, endOfGroup: false, payload: new Uint8Array(0) };
  });

test('object datagrams: encode → decode round trip over all ten types', () => {
  const seen = new Set<number>();
  fc.assert(
    fc.property(datagram, (d) => {
      seen.add(objectDatagramType(d));
      const decoded = decodeObjectDatagram(encodeObjectDatagram(d));
      assert.deepEqual(
        { ...decoded, payload: [...decoded.payload] },
        { ...d, payload: [...d.payload] },
      );
    }),
    { numRuns: 2000 },
  );
  assert.deepEqual(
    [...seen].sort((a, b) => a - b),
    [0, 1, 2, 3, 4, 5, 6, 7, 0x20, 0x21],
  );
});

test('golden: payload datagram 0x00 and status datagram 0x20', () => {
  const payload: ObjectDatagram = {
    trackAlias: 1,
    groupId: 2,
    objectId: 3,
    publisherPriority: 4,
    extensions: [],
    endOfGroup: false,
    status: ObjectStatus.Normal,
    payload: Uint8Array.of(0xaa, 0xbb),
  };
  assert.equal(Buffer.from(encodeObjectDatagram(payload)).toString('hex'), '0001020304aabb');
  const status = { ...payload, status: ObjectStatus.EndOfTrack, payload: new Uint8Array(0) };
  assert.equal(Buffer.from(encodeObjectDatagram(status)).toString('hex'), '200102030404');
});

test('malformed datagrams', () => {
  const bad = ['08010203', '0101020304' + '00' + 'aa', '2001020304' + '05', '20010203040000', ''];
  for (const hex of bad) {
    assert.throws(() => decodeObjectDatagram(Buffer.from(hex, 'hex')), MoqError, hex);
  }
});

test('fuzz: random datagrams fail only with MoqError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 48 }), (bytes) => {
      try {
        decodeObjectDatagram(bytes);
      } catch (e) {
        assert.ok(e instanceof MoqError, String(e));
      }
    }),
    { numRuns: 5000 },
  );
});
