import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ByteQueue, CodingError, Reader, Writer } from './index.js';

test('ByteQueue: peek/take/skip across chunk boundaries equal the concatenation', () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 7 }), { maxLength: 6 }),
      fc.array(fc.nat(10), { maxLength: 6 }),
      (chunks, takes) => {
        const queue = new ByteQueue();
        for (const c of chunks) queue.push(c);
        let flat = Buffer.concat(chunks);
        for (const n of takes) {
          assert.deepEqual([...queue.peek(n)], [...flat.subarray(0, n)]);
          if (n > flat.length) {
            assert.throws(() => queue.take(n), CodingError);
            continue;
          }
          assert.deepEqual([...queue.take(n)], [...flat.subarray(0, n)]);
          flat = flat.subarray(n);
          assert.equal(queue.length, flat.length);
        }
      },
    ),
  );
});

test('ByteQueue: take within one chunk is a view, across chunks a copy', () => {
  const a = Uint8Array.of(1, 2, 3);
  const queue = new ByteQueue();
  queue.push(a);
  queue.push(Uint8Array.of(4, 5));
  assert.equal(queue.take(2).buffer, a.buffer);
  const spanning = queue.take(3);
  assert.notEqual(spanning.buffer, a.buffer);
  assert.deepEqual([...spanning], [3, 4, 5]);
});

test('Reader/Writer: u16, bigint varints, strings and length-prefixed bytes', () => {
  const w = new Writer(1)
    .u16(0xbeef)
    .varintBig((1n << 62n) - 1n)
    .varintBig(5n)
    .utf8String('héllo')
    .lengthPrefixedBytes(Uint8Array.of(9, 8));
  const r = new Reader(w.finish());
  assert.equal(r.u16(), 0xbeef);
  assert.equal(r.varintBig(), (1n << 62n) - 1n);
  assert.equal(r.varintBig(), 5n);
  assert.equal(r.utf8String(), 'héllo');
  assert.deepEqual([...r.lengthPrefixedBytes(2)], [9, 8]);
  assert.equal(r.remaining, 0);
  assert.throws(() => new Writer().u16(0x10000), CodingError);
  assert.throws(() => new Writer().varintBig(1n << 62n), CodingError);
  assert.throws(() => new Reader(Uint8Array.of(1, 0xff)).utf8String(), CodingError);
  assert.throws(() => new Reader(Uint8Array.of(3, 1, 2, 3)).lengthPrefixedBytes(2), CodingError);
});
