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

test('streams drain most urgent first, equal ones in the order they queued', async () => {
  const queue = new SendQueue(1 << 20);
  queue.setUrgency(2, 5); // a group
  queue.setUrgency(7, 5); // a newer group of the same subscription
  queue.setUrgency(0, 0); // the control stream
  for (const streamId of [2, 9, 7, 0]) await queue.enqueue(streamId, Uint8Array.of(1), false);
  // Stream 9 was given no urgency: quiche's default (127) puts it after every urgency set.
  assert.deepEqual(queue.streamIds(), [0, 2, 7, 9]);
});

test("a stream's urgency is forgotten once its FIN is taken or it fails", async () => {
  const queue = new SendQueue(1 << 20);
  queue.setUrgency(2, 0);
  queue.setUrgency(6, 0);
  void queue.enqueue(2, Uint8Array.of(1), true);
  drainAll(queue, 2);
  queue.fail(6, new Error('reset'), false);
  // Reused numbers are impossible in QUIC, but a forgotten urgency shows as the default order.
  for (const streamId of [10, 6, 2]) await queue.enqueue(streamId, Uint8Array.of(1), false);
  assert.deepEqual(queue.streamIds(), [10, 6, 2]);
});
