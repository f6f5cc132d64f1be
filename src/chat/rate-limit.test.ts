import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChatError } from './chat-error.js';
import { ChatPublisher } from './chat-publisher.js';
import { TokenBucket } from './rate-limit.js';

describe('rate limits', () => {
  test('a bucket gives its burst, then one per interval', () => {
    let now = 0;
    const bucket = new TokenBucket({ perSecond: 1, burst: 5 }, () => now);
    for (let i = 0; i < 5; i++) assert.ok(bucket.take());
    assert.ok(!bucket.take());
    assert.equal(bucket.waitMs(), 1000);
    now = 400;
    assert.equal(bucket.waitMs(), 600);
    assert.ok(!bucket.take());
    now = 1000;
    assert.ok(bucket.take());
    now = 100_000;
    for (let i = 0; i < 5; i++) assert.ok(bucket.take());
    assert.ok(!bucket.take(), 'never more than the burst, however long it rested');
  });

  test('a bad limit is refused', () => {
    assert.throws(() => new TokenBucket({ perSecond: 0, burst: 1 }), RangeError);
  });

  test('the publisher refuses past its limit with a clear error and keeps sequence', () => {
    let now = 10_000;
    const chat = new ChatPublisher('show', { now: () => now, name: ' Ann\n' });
    assert.equal(chat.name, 'Ann');
    for (let i = 0; i < 5; i++) chat.send(`m${i}`);
    let error: unknown;
    try {
      chat.send('one too many');
    } catch (caught) {
      error = caught;
    }
    assert.ok(error instanceof ChatError);
    assert.equal(error.code, 'RATE_LIMITED');
    assert.equal(error.retryAfterMs, 1000);
    assert.match(error.message, /slow down/);
    assert.equal(chat.sent, 5, 'a refused message takes no sequence number');
    now += 1000;
    assert.equal(chat.send('again').name, 'Ann');
    assert.equal(chat.sent, 6);
    const track = chat.broadcast.liveTrack('messages');
    assert.deepEqual(
      track?.cachedGroups.map((g) => g.groupId),
      [0, 1, 2, 3, 4, 5],
    );
    chat.close();
    assert.equal(
      (() => {
        try {
          chat.send('x');
        } catch (caught) {
          return (caught as ChatError).code;
        }
      })(),
      'CLOSED',
    );
  });
});
