import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withoutPrft } from './mp4-boxes.js';

function box(type: string, body: number[]): number[] {
  const size = 8 + body.length;
  return [size >>> 24, (size >>> 16) & 255, (size >>> 8) & 255, size & 255]
    .concat([...type].map((c) => c.charCodeAt(0)))
    .concat(body);
}

test('prft boxes are dropped, everything else kept in order', () => {
  const moof = box('moof', [1, 2, 3]);
  const mdat = box('mdat', [4, 5]);
  const chunk = Uint8Array.from([...box('prft', [9, 9, 9, 9]), ...moof, ...mdat]);
  assert.deepEqual([...withoutPrft(chunk)], [...moof, ...mdat]);
});

test('a chunk without prft, or one that is not a box stream, passes untouched', () => {
  const plain = Uint8Array.from([...box('moof', [1]), ...box('mdat', [2])]);
  assert.equal(withoutPrft(plain), plain);
  const garbage = Uint8Array.from([0, 0, 0, 3, 1, 2, 3, 4, 5]);
  assert.equal(withoutPrft(garbage), garbage);
});
