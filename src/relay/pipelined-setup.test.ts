// A client may send its first requests in the same packet as CLIENT_SETUP (§3.3 lets it send
// control messages before SERVER_SETUP arrives): the relay answers them at once instead of
// waiting for the client's next bytes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  ClientSetup,
  ControlMessageDecoder,
  FilterType,
  GroupOrder,
  ServerSetup,
  SubscribeOk,
  SetupParameters,
  Subscribe,
  Version,
  encodeControlMessage,
  type ControlMessage,
} from '../moq/index.js';
import { dialRelay } from '../client/index.js';
import { withTimeout } from '../async/index.js';
import { nodeDialers } from '../transport/index.js';
import { Relay } from './relay.js';
import { publisher } from './relay-test-kit.js';

let relay: Relay;

before(async () => {
  relay = await Relay.start({ port: 0, host: '127.0.0.1' });
});

after(async () => {
  await relay.close();
});

for (const transport of ['quic', 'websocket'] as const) {
  test(`a SUBSCRIBE sent in one write with CLIENT_SETUP is answered without more bytes (${transport})`, async () => {
    const pub = await publisher(relay, ['pipelined', transport], 'video');
    const { transport: session } = await dialRelay(`http://127.0.0.1:${relay.port}/`, nodeDialers, {
      transport,
    });
    try {
      const stream = await session.createBidirectionalStream();
      const setup = encodeControlMessage(
        new ClientSetup({
          supportedVersions: [Version.DRAFT_14],
          parameters: SetupParameters.from({ maxRequestId: 10 }),
        }),
      );
      const request = encodeControlMessage(
        new Subscribe({
          requestId: 0,
          trackNamespace: ['pipelined', transport],
          trackName: 'video',
          subscriberPriority: 0,
          groupOrder: GroupOrder.Ascending,
          forward: true,
          filter: { type: FilterType.LargestObject },
        }),
      );
      const writer = stream.writable.getWriter();
      await writer.write(new Uint8Array([...setup, ...request]));
      const replies = readMessages(stream.readable);
      const first = await withTimeout(replies.next(), 5000, 'no SERVER_SETUP');
      assert.ok(first.value instanceof ServerSetup, 'SERVER_SETUP first');
      const second = await withTimeout(replies.next(), 5000, 'the pipelined SUBSCRIBE waited');
      assert.ok(second.value instanceof SubscribeOk, 'then SUBSCRIBE_OK');
    } finally {
      session.close();
      pub.session.close();
    }
  });
}

async function* readMessages(readable: ReadableStream<Uint8Array>): AsyncGenerator<ControlMessage> {
  const decoder = new ControlMessageDecoder();
  const reader = readable.getReader();
  for (;;) {
    for (let message = decoder.next(); message; message = decoder.next()) yield message;
    const { value, done } = await reader.read();
    if (done) return;
    decoder.push(value);
  }
}
