import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataStreamDecoder, type DataStreamEvent } from './data-stream-decoder.js';
import { encodeSubgroupHeader } from './subgroup-header.js';
import { encodeSubgroupObject } from './subgroup-object.js';

/** Subgroup 0, properties present, END_OF_GROUP: the type our sender uses. */
const TYPE = 0x19;

test('draft-18 subgroup header written in vi64 with FIRST_OBJECT matches the spec bytes', () => {
  const header = { type: TYPE, trackAlias: 200, groupId: 5, subgroupId: 0, publisherPriority: 128 };
  const bytes = encodeSubgroupHeader({ ...header, firstObject: true }, 'vi64');
  // 0x59 = 0x19 | FIRST_OBJECT; alias 200 in two vi64 bytes (10|000000 11001000); group 5; 0x80.
  assert.deepEqual([...bytes], [0x59, 0x80, 0xc8, 0x05, 0x80]);
  // Earlier drafts never see the bit (QUIC varint 200 is 0x40c8).
  assert.deepEqual(
    [...encodeSubgroupHeader({ ...header, firstObject: true })],
    [0x19, 0x40, 0xc8, 0x05, 0x80],
  );
});

test('draft-18 object properties are vi64 inside their block', () => {
  const object = {
    objectId: 0,
    extensions: [{ type: 0x10, value: 1000 }],
    payload: Uint8Array.of(1, 2, 3),
  };
  const bytes = encodeSubgroupObject(object, TYPE, undefined, 'vi64');
  // delta 0; block of 3: type 0x10, value 1000 as vi64 (0x83 0xe8); length 3; payload.
  assert.deepEqual([...bytes], [0x00, 0x03, 0x10, 0x83, 0xe8, 0x03, 1, 2, 3]);
});

test('what the vi64 writers produce, the vi64 decoder reads back (byte by byte)', () => {
  const header = encodeSubgroupHeader(
    {
      type: TYPE,
      trackAlias: 70_000,
      groupId: 2 ** 40,
      subgroupId: 0,
      publisherPriority: 9,
      firstObject: true,
    },
    'vi64',
  );
  const objects = [0, 1, 3].map((objectId) =>
    encodeSubgroupObject(
      { objectId, extensions: [{ type: 0x5352, value: 2 }], payload: Uint8Array.of(objectId) },
      TYPE,
      objectId === 0 ? undefined : objectId === 1 ? 0 : 1,
      'vi64',
    ),
  );
  const decoder = new DataStreamDecoder({ encoding: 'vi64' });
  const events: DataStreamEvent[] = [];
  for (const chunk of [header, ...objects]) {
    for (const byte of chunk) {
      decoder.push(Uint8Array.of(byte));
      for (let e = decoder.next(); e; e = decoder.next()) events.push(e);
    }
  }
  decoder.end();
  const [head, ...rest] = events;
  assert.ok(head?.kind === 'subgroup_header');
  assert.equal(head.trackAlias, 70_000);
  assert.equal(head.groupId, 2 ** 40);
  assert.equal(head.publisherPriority, 9);
  assert.deepEqual(
    rest.map((e) =>
      e.kind === 'object' ? [e.objectId, e.payload[0], e.extensions[0]?.value] : [],
    ),
    [
      [0, 0, 2],
      [1, 1, 2],
      [3, 3, 2],
    ],
  );
});
