import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MoqError } from '../error/index.js';
import { D18MessageDecoder, encodeD18GoAway } from './index.js';

test('draft-18 GOAWAY on the control stream: hand-built bytes both ways', () => {
  // Type 0x10, Length 3, URI length 0, Timeout 0, Request ID 4.
  assert.deepEqual([...encodeD18GoAway('', 4)], [0x10, 0x00, 0x03, 0x00, 0x00, 0x04]);
  const decoder = new D18MessageDecoder({ requestId: 0, reader: 'client' });
  // "moqt://b" as the new URI, Timeout 300 (vi64 0x81 0x2c), Request ID 1.
  decoder.push(Buffer.from('10000c086d6f71743a2f2f62812c01', 'hex'));
  const message = decoder.next();
  assert.ok(message?.kind === 'go_away');
  assert.equal(message.newSessionUri, 'moqt://b');
});

test('draft-18 GOAWAY: a URI longer than 8192 bytes is refused both ways', () => {
  assert.throws(() => encodeD18GoAway('x'.repeat(8193), 0), MoqError);
  const decoder = new D18MessageDecoder({ requestId: 0, reader: 'client' });
  // URI length 8193 in vi64 (0xa0 0x01): refused before its bytes are looked for.
  decoder.push(Uint8Array.from([0x10, 0x00, 0x04, 0xa0, 0x01, 0x00, 0x00]));
  assert.throws(() => decoder.next(), MoqError);
});
