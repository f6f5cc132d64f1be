import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MoqError, SessionCloseCode } from '../error/index.js';
import { D18PeerRequestIds } from './d18-request-ids.js';

const invalid = (e: unknown): boolean =>
  e instanceof MoqError && e.code === SessionCloseCode.INVALID_REQUEST_ID;

test("draft-18 peer Request IDs: any order, each once, the peer's parity", () => {
  const ids = new D18PeerRequestIds(true);
  assert.equal(ids.next, 0);
  for (const id of [4, 0, 2, 8]) ids.accept(id);
  assert.equal(ids.next, 10);
  assert.throws(() => ids.accept(2), invalid, 'a repeat below the floor');
  assert.throws(() => ids.accept(8), invalid, 'a repeat above it');
  assert.throws(() => ids.accept(5), invalid, "the server's parity from the client");
  ids.accept(6);
  assert.equal(ids.next, 10);
  const fromServer = new D18PeerRequestIds(false);
  assert.equal(fromServer.next, 1);
  assert.throws(() => fromServer.accept(0), invalid);
  fromServer.accept(1);
  assert.equal(fromServer.next, 3);
});
