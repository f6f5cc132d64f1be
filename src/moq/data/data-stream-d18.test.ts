import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MoqError } from '../error/index.js';
import { DataStreamDecoder, type DataStreamEvent } from './data-stream-decoder.js';

function decodeAll(decoder: DataStreamDecoder, bytes: Uint8Array): DataStreamEvent[] {
  const events: DataStreamEvent[] = [];
  // One byte at a time: every vi64 and header must survive any split.
  for (const byte of bytes) {
    decoder.push(Uint8Array.of(byte));
    for (let e = decoder.next(); e; e = decoder.next()) events.push(e);
  }
  decoder.end();
  return events;
}

test('draft-18 subgroup stream: hand-built vi64 bytes with the FIRST_OBJECT bit decode', () => {
  const bytes = Buffer.from(
    [
      '50', // SUBGROUP_HEADER: FIRST_OBJECT, subgroup 0, priority present
      '80c8', // Track Alias 200 (vi64)
      '812c', // Group 300 (vi64)
      '07', // Publisher Priority
      '00',
      '03',
      '616263', // object 0: "abc"
      '00',
      '00',
      '03', // object 1: empty, End of Group
    ].join(''),
    'hex',
  );
  const events = decodeAll(new DataStreamDecoder({ encoding: 'vi64' }), bytes);
  const [header, first, last] = events;
  assert.equal(events.length, 3);
  assert.ok(header?.kind === 'subgroup_header');
  assert.equal(header.trackAlias, 200);
  assert.equal(header.groupId, 300);
  assert.equal(header.publisherPriority, 7);
  assert.ok(first?.kind === 'object' && last?.kind === 'object');
  assert.equal(Buffer.from(first.payload).toString(), 'abc');
  assert.equal(first.objectId, 0);
  assert.equal(last.objectId, 1);
  assert.equal(last.status, 3);
});

test('draft-18 subgroup stream: the same bytes are malformed as QUIC varints', () => {
  const decoder = new DataStreamDecoder();
  decoder.push(Buffer.from('5080c8812c07', 'hex'));
  assert.throws(() => decoder.next(), MoqError);
});
