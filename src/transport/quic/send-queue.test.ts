import assert from 'node:assert/strict';
import { test } from 'node:test';
import { markShared } from '../../coding/index.js';
import { SendQueue } from './send-queue.js';

/** What quiche took, by reference, in order. */
function drainAll(queue: SendQueue, streamId: number): Uint8Array[] {
  const taken: Uint8Array[] = [];
  queue.drain(streamId, (data) => {
    taken.push(data);
    return data.length;
  });
  return taken;
}

test('a write that resolves before quiche took it owns a copy: the writer may reuse its buffer', async () => {
  const queue = new SendQueue(1 << 20);
  const scratch = Uint8Array.of(1, 2, 3);
  await queue.enqueue(0, scratch, false);
  scratch[0] = 9;
  const [taken] = drainAll(queue, 0);
  assert.deepEqual(taken, Uint8Array.of(1, 2, 3));
  assert.notEqual(taken, scratch);
});

test('shared bytes are kept by reference: no copy per subscriber on a fan-out', async () => {
  const queue = new SendQueue(1 << 20);
  const object = markShared(Uint8Array.of(4, 5, 6));
  await queue.enqueue(0, object, false);
  await queue.enqueue(4, object, false);
  assert.equal(drainAll(queue, 0)[0], object);
  assert.equal(drainAll(queue, 4)[0], object);
});
