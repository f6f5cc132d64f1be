import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChatError } from './chat-error.js';
import {
  MAX_MESSAGE_BYTES,
  chatNamespace,
  cleanText,
  decodeMessage,
  encodeMessage,
  isViewerId,
  randomViewerId,
} from './chat-message.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ChatError);
    return error.code;
  }
  return 'no error';
};

describe('chat message codec', () => {
  test('round-trips text, name and time', () => {
    const sent = { text: 'hello <b>world</b>', name: 'Ann', sentAt: 1234 };
    assert.deepEqual(decodeMessage(encodeMessage(sent)), sent);
    assert.deepEqual(decodeMessage(encodeMessage({ text: 'x', sentAt: 1 })), {
      text: 'x',
      sentAt: 1,
    });
  });

  test('control characters go, line breaks become spaces, bidi overrides go', () => {
    assert.equal(cleanText(' a\u0000b\u0007c\nd\r\ne\tf\u202Eg\u2066h '), 'abc d e fgh');
    assert.equal(cleanText('emoji 👩‍💻 stays'), 'emoji 👩‍💻 stays');
  });

  test('length limits count characters, not bytes', () => {
    assert.doesNotThrow(() => encodeMessage({ text: '😀'.repeat(500), sentAt: 0 }));
    assert.equal(
      code(() => encodeMessage({ text: 'a'.repeat(501), sentAt: 0 })),
      'INVALID_MESSAGE',
    );
    assert.equal(
      code(() => encodeMessage({ text: 'a', name: 'n'.repeat(33), sentAt: 0 })),
      'INVALID_MESSAGE',
    );
    assert.equal(
      code(() => encodeMessage({ text: ' \n\u0001 ', sentAt: 0 })),
      'INVALID_MESSAGE',
    );
  });

  test('decoding refuses what is not a message', () => {
    for (const payload of [
      '{not json',
      '[]',
      'null',
      '"text"',
      '{"text": 5, "sentAt": 1}',
      '{"text": "a"}',
      '{"text": "a", "sentAt": "now"}',
      '{"text": "a", "sentAt": 1, "name": {}}',
      JSON.stringify({ text: 'a'.repeat(501), sentAt: 1 }),
    ]) {
      assert.equal(
        code(() => decodeMessage(bytes(payload))),
        'INVALID_MESSAGE',
        payload,
      );
    }
    assert.equal(
      code(() => decodeMessage(new Uint8Array([0xff, 0xfe]))),
      'INVALID_MESSAGE',
    );
    assert.equal(
      code(() => decodeMessage(new Uint8Array(MAX_MESSAGE_BYTES + 1).fill(32))),
      'INVALID_MESSAGE',
    );
  });

  test('received text is cleaned too; unknown fields are ignored', () => {
    const got = decodeMessage(bytes('{"text":"hi\\u0000 there","sentAt":5,"html":"<i>"}'));
    assert.deepEqual(got, { text: 'hi there', sentAt: 5 });
  });

  test('viewer ids are base32 and namespaces nest under the broadcast', () => {
    const id = randomViewerId();
    assert.match(id, /^[a-z2-7]{8}$/);
    assert.ok(isViewerId(id));
    assert.ok(!isViewerId('ABC'));
    assert.ok(!isViewerId('../x1234'));
    assert.deepEqual(chatNamespace(['live', 'show'], id), ['live', 'show', 'chat', id]);
  });
});
