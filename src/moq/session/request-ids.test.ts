import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MoqError, SessionCloseCode } from '../error/index.js';
import { PeerRequestIds } from './request-ids.js';

const code = (expected: number) => (error: unknown) =>
  error instanceof MoqError && error.code === expected;

test('peer request ids in order: the next one only (draft-14, one control stream)', () => {
  const ids = new PeerRequestIds(false, 10);
  ids.accept(0);
  assert.throws(() => ids.accept(4), code(SessionCloseCode.INVALID_REQUEST_ID));
});

test('draft-16 request ids may arrive out of order across streams, each once, under the limit', () => {
  const ids = new PeerRequestIds(false, 5, true);
  ids.accept(2); // SUBSCRIBE_NAMESPACE's own stream came first
  ids.accept(0);
  ids.accept(4);
  assert.throws(() => ids.accept(2), code(SessionCloseCode.INVALID_REQUEST_ID));
  assert.throws(() => ids.accept(0), code(SessionCloseCode.INVALID_REQUEST_ID));
  assert.throws(() => ids.accept(7), code(SessionCloseCode.INVALID_REQUEST_ID));
  ids.accept(8);
  assert.throws(() => ids.accept(8), code(SessionCloseCode.INVALID_REQUEST_ID));
  ids.accept(6);
  assert.throws(() => ids.accept(ids.max), code(SessionCloseCode.TOO_MANY_REQUESTS));
});
