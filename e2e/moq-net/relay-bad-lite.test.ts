/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call -- @moq/net's types do not resolve for eslint's type service (its .d.ts import @moq/signals); tsc checks them */
/**
 * Malformed moq-lite bytes close that session only, with a reason; a bystander @moq/net
 * subscriber on another session keeps receiving.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Relay } from '../../src/relay/index.js';
import { publisher, until, writeGroups } from '../../src/relay/relay-test-kit.js';
import {
  connectNet,
  expected,
  installNodeGlobals,
  subscribeNet,
  type NetConnection,
} from './peer.js';

installNodeGlobals({ webTransport: true, quiet: true });

let relay: Relay;
const connections: NetConnection[] = [];

before(async () => {
  relay = await Relay.start({ port: 0, host: '127.0.0.1' });
});

after(async () => {
  for (const connection of connections) connection.close();
  await relay.close();
});

test('a malformed moq-lite stream closes its session with a reason; a bystander keeps receiving', async () => {
  const ours = await publisher(relay, ['bad', 'show'], 'data');
  const options = {
    transport: 'webtransport' as const,
    protocol: 'moq-lite-05',
    certificateSha256: relay.certificateSha256,
  };
  const bystander = await connectNet(`http://127.0.0.1:${relay.port}/`, options);
  connections.push(bystander);
  const receiving = subscribeNet(bystander, 'bad/show', 'data', 2);
  await until(() => ours.track.consumerCount === 1);

  const wt = new WebTransport(`https://127.0.0.1:${relay.port}/`, {
    protocols: ['moq-lite-05'],
    serverCertificateHashes: [
      { algorithm: 'sha-256', value: Buffer.from(relay.certificateSha256, 'hex') },
    ],
  });
  await wt.ready;
  const stream = await wt.createBidirectionalStream();
  const writer = stream.writable.getWriter();
  // SUBSCRIBE stream (2), then a message claiming 5 bytes whose track name says 200.
  await writer.write(Uint8Array.from([2, 5, 0, 1, 0x61, 0x40, 0xc8]));
  const closed = await wt.closed;
  assert.equal(closed.closeCode, 3);
  assert.match(closed.reason ?? '', /SUBSCRIBE|short|need/i);

  await writeGroups(ours.track, 2, 5);
  assert.deepEqual(await receiving, expected(2, 5));
  ours.session.close();
});
