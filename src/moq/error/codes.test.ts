import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CodingError } from '../../coding/index.js';
import {
  FetchErrorCode,
  MoqError,
  SessionCloseCode,
  SubscribeErrorCode,
  TrackStatusErrorCode,
  codeName,
} from './index.js';

test('codeName names known codes and marks unknown ones', () => {
  assert.equal(codeName(SessionCloseCode, 0x3), 'PROTOCOL_VIOLATION');
  assert.equal(codeName(SessionCloseCode, 0x1a), 'MALFORMED_AUTHORITY');
  assert.equal(codeName(FetchErrorCode, 0x7), 'INVALID_JOINING_REQUEST_ID');
  assert.equal(codeName(SubscribeErrorCode, 0x2a), 'UNKNOWN(0x2a)');
  assert.equal(TrackStatusErrorCode, SubscribeErrorCode);
});

test('session termination codes match the draft-14 IANA table', () => {
  assert.equal(Object.keys(SessionCloseCode).length, 21);
  assert.equal(SessionCloseCode.GOAWAY_TIMEOUT, 0x10);
  assert.equal(SessionCloseCode.VERSION_NEGOTIATION_FAILED, 0x15);
});

test('MoqError carries code, reason and scope; CodingError becomes PROTOCOL_VIOLATION', () => {
  const e = new MoqError(SubscribeErrorCode.TIMEOUT, 'slow', 'request');
  assert.deepEqual([e.code, e.reason, e.scope, e.name], [2, 'slow', 'request', 'MoqError']);
  const wrapped = MoqError.fromDecode(new CodingError('SHORT_BUFFER', 'short'));
  assert.equal(wrapped.code, SessionCloseCode.PROTOCOL_VIOLATION);
  assert.equal(wrapped.scope, 'session');
  assert.throws(() => MoqError.fromDecode(new TypeError('bug')), TypeError);
});
