import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MoqError, SessionCloseCode } from '../error/index.js';
import {
  NamespaceEntryType,
  NamespaceSubscribeOptions,
  SubscribeNamespace,
  SubscribeNamespaceStreamDecoder,
  Version,
  decodeNamespaceEntry,
  encodeControlMessage,
  encodeNamespaceEntry,
} from './index.js';

const D16 = Version.DRAFT_16;
const show = [...new TextEncoder().encode('show')];

/** SUBSCRIBE_NAMESPACE as @moq/net 0.3.4 writes it on draft-16 (ietf/subscribe_namespace.js). */
const fromNet = Uint8Array.from([0x11, 0x00, 0x09, 0x00, 0x01, 0x04, ...show, 0x01, 0x00]);

function decodeAll(bytes: Uint8Array, chunkBytes = bytes.length): SubscribeNamespace | undefined {
  const decoder = new SubscribeNamespaceStreamDecoder(D16);
  let message: SubscribeNamespace | undefined;
  for (let at = 0; at < bytes.length && !message; at += chunkBytes) {
    decoder.push(bytes.subarray(at, at + chunkBytes));
    message = decoder.next();
  }
  return message;
}

const violation = (error: unknown): boolean =>
  error instanceof MoqError && error.code === SessionCloseCode.PROTOCOL_VIOLATION;

test('d16 SUBSCRIBE_NAMESPACE stream: @moq/net bytes decode, whole or a byte at a time', () => {
  for (const chunkBytes of [fromNet.length, 1]) {
    const message = decodeAll(fromNet, chunkBytes);
    assert.deepEqual(message?.trackNamespacePrefix, ['show']);
    assert.equal(message?.requestId, 0);
    assert.equal(message?.subscribeOptions, NamespaceSubscribeOptions.Namespace);
  }
});

test('d16 SUBSCRIBE_NAMESPACE carries Subscribe Options; d14 has no such field', () => {
  const message = new SubscribeNamespace({
    requestId: 2,
    trackNamespacePrefix: ['a', 'b'],
    subscribeOptions: NamespaceSubscribeOptions.Both,
  });
  const d16 = encodeControlMessage(message, D16);
  assert.equal(decodeAll(d16)?.subscribeOptions, NamespaceSubscribeOptions.Both);
  const d14 = encodeControlMessage(message, Version.DRAFT_14);
  assert.equal(d16.length, d14.length + 1);
});

test('d16 namespace stream: another message first, or options past 2, is PROTOCOL_VIOLATION', () => {
  const subscribe = Uint8Array.from([0x03, 0x00, 0x01, 0x00]);
  assert.throws(() => decodeAll(subscribe), violation);
  const badOptions = Uint8Array.from(fromNet);
  badOptions[badOptions.length - 2] = 0x03;
  assert.throws(() => decodeAll(badOptions), violation);
});

test('d16 NAMESPACE / NAMESPACE_DONE: type, 16-bit length, suffix tuple (0 fields allowed)', () => {
  const one = [...new TextEncoder().encode('one')];
  assert.deepEqual(
    [...encodeNamespaceEntry({ suffix: ['one'], active: true })],
    [NamespaceEntryType.Namespace, 0x00, 0x05, 0x01, 0x03, ...one],
  );
  assert.deepEqual(
    [...encodeNamespaceEntry({ suffix: [], active: false })],
    [NamespaceEntryType.NamespaceDone, 0x00, 0x01, 0x00],
  );
  for (const entry of [
    { suffix: ['x', 'y'], active: true },
    { suffix: [], active: false },
  ]) {
    assert.deepEqual(decodeNamespaceEntry(encodeNamespaceEntry(entry)), entry);
  }
  assert.throws(() => decodeNamespaceEntry(Uint8Array.from([0x07, 0x00, 0x00])), violation);
});
