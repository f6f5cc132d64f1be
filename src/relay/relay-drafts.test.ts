import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { protocolsForDraft } from '../client/index.js';
import { MoqError, SessionCloseCode, SubscribeErrorCode, Version } from '../moq/index.js';
import { connectQmux } from '../transport/index.js';
import { Relay } from './relay.js';
import { join, publisher, readAll, writeGroups } from './relay-test-kit.js';

let relay: Relay;

before(async () => {
  relay = await Relay.start({ port: 0, host: '127.0.0.1' });
});

after(async () => {
  await relay.close();
});

const expected = (groups: number, objects: number): Array<{ groupId: number; objects: string[] }> =>
  Array.from({ length: groups }, (_, g) => ({
    groupId: g,
    objects: Array.from({ length: objects }, (_, o) => `${g}:${o}`),
  }));

const DRAFTS = [14, 16] as const;
const VERSION_OF = { 14: Version.DRAFT_14, 16: Version.DRAFT_16 } as const;

describe('relay: drafts 14 and 16 side by side', () => {
  for (const transport of ['quic', 'websocket'] as const) {
    for (const pubDraft of DRAFTS) {
      for (const subDraft of DRAFTS) {
        test(`d${pubDraft} publisher → relay → d${subDraft} subscriber (${transport})`, async () => {
          const ns = ['drafts', transport, `p${pubDraft}`, `s${subDraft}`];
          const pub = await publisher(relay, ns, 'data', transport, protocolsForDraft(pubDraft));
          const sub = await join(relay, transport, protocolsForDraft(subDraft));
          assert.equal(pub.session.version, VERSION_OF[pubDraft]);
          assert.equal(sub.version, VERSION_OF[subDraft]);
          const consumer = await sub.subscribe(ns, 'data');
          const reading = readAll(consumer);
          await writeGroups(pub.track, 4, 10, 5);
          pub.track.close();
          assert.deepEqual(await reading, expected(4, 10));
          sub.close();
          pub.session.close();
        });
      }
    }
  }

  test('d16: a missing track is SUBSCRIBE_ERROR (REQUEST_ERROR on the wire), code mapped back', async () => {
    const sub = await join(relay, 'quic', protocolsForDraft(16));
    await assert.rejects(
      sub.subscribe(['nobody', 'here'], 'video'),
      (e: unknown) => e instanceof MoqError && e.code === SubscribeErrorCode.TRACK_DOES_NOT_EXIST,
    );
    // The session is still fine after the error.
    const pub = await publisher(relay, ['after-error'], 'data', 'quic', protocolsForDraft(16));
    const consumer = await sub.subscribe(['after-error'], 'data');
    const reading = readAll(consumer);
    await writeGroups(pub.track, 2, 3);
    pub.track.close();
    assert.deepEqual(await reading, expected(2, 3));
    sub.close();
    pub.session.close();
  });

  test('d16: a publisher that withdraws (PUBLISH_NAMESPACE_DONE by Request ID) frees the name', async () => {
    const first = await publisher(relay, ['withdrawn'], 'data', 'websocket', protocolsForDraft(16));
    first.broadcast.close();
    first.session.close();
    await first.session.closed.catch(() => undefined);
    const second = await publisher(relay, ['withdrawn'], 'data', 'quic', protocolsForDraft(16));
    const sub = await join(relay, 'quic', protocolsForDraft(14));
    const consumer = await sub.subscribe(['withdrawn'], 'data');
    const reading = readAll(consumer);
    await writeGroups(second.track, 1, 2);
    second.track.close();
    assert.deepEqual(await reading, expected(1, 2));
    sub.close();
    second.session.close();
  });
});

describe('relay: version negotiation over QMux', () => {
  test('an offer of qmux-00.moqt-16 with bare qmux-00 picks moqt-16', async () => {
    const client = await connectQmux(`http://127.0.0.1:${relay.port}/`, {
      protocols: ['moqt-16'],
      versions: ['qmux-00'],
    });
    assert.equal(client.protocol, 'moqt-16');
    client.close();
  });

  test('an offer of an unknown app protocol with bare qmux-00 falls back to bare (d14 SETUP)', async () => {
    const client = await connectQmux(`http://127.0.0.1:${relay.port}/`, {
      protocols: ['moqt-19', 'moqt-17'],
      versions: ['qmux-00'],
    });
    assert.equal(client.protocol, '');
    client.close();
  });

  test('an unknown protocol alone is refused at the upgrade', async () => {
    await assert.rejects(
      connectQmux(`http://127.0.0.1:${relay.port}/`, {
        protocols: ['moqt-19'],
        versions: ['qmux-00'],
        requireProtocol: true,
      }),
    );
  });
});

describe('relay: bad version input harms nobody else', () => {
  test('SETUP that does not match the protocol, and unknown versions, end only that session', async () => {
    const pub = await publisher(relay, ['bystander'], 'data', 'quic', protocolsForDraft(16));
    const watcher = await join(relay, 'websocket', protocolsForDraft(14));
    const consumer = await watcher.subscribe(['bystander'], 'data');
    const reading = readAll(consumer);

    // A draft-14 CLIENT_SETUP (with a version list) on a moqt-16 session.
    const mismatched = await connectQmux(`http://127.0.0.1:${relay.port}/`, {
      protocols: ['moqt-16'],
      requireProtocol: true,
    });
    const closedMismatch = mismatched.closed;
    await sendRaw(mismatched, d14ClientSetup([Version.DRAFT_14]));
    const info = await closedMismatch;
    assert.equal(info.closeCode, SessionCloseCode.VERSION_NEGOTIATION_FAILED);
    assert.match(info.reason ?? '', /version list/);

    // A draft-14 SETUP offering only versions we do not speak (e.g. draft-18 via SETUP).
    const unknown = await connectQmux(`http://127.0.0.1:${relay.port}/`, { protocols: [] });
    const closedUnknown = unknown.closed;
    await sendRaw(unknown, d14ClientSetup([Version.DRAFT_18, 0xff000011]));
    const info2 = await closedUnknown;
    assert.equal(info2.closeCode, SessionCloseCode.VERSION_NEGOTIATION_FAILED);
    assert.match(info2.reason ?? '', /no common version/);

    await writeGroups(pub.track, 3, 4);
    pub.track.close();
    assert.deepEqual(await reading, expected(3, 4));
    watcher.close();
    pub.session.close();
  });
});

/** CLIENT_SETUP as draft-14 frames it: type 0x20, u16 length, versions, no parameters. */
function d14ClientSetup(versions: readonly number[]): Uint8Array {
  const body: number[] = [versions.length];
  for (const v of versions) {
    // 8-byte varint (prefix 0b11).
    const hi = Math.floor(v / 2 ** 32);
    body.push(0xc0 | ((hi >>> 24) & 0x3f), (hi >>> 16) & 0xff, (hi >>> 8) & 0xff, hi & 0xff);
    body.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  }
  body.push(0);
  return Uint8Array.from([0x20, body.length >> 8, body.length & 0xff, ...body]);
}

async function sendRaw(transport: WebTransport, bytes: Uint8Array): Promise<void> {
  await transport.ready;
  const stream = await transport.createBidirectionalStream();
  const writer = stream.writable.getWriter();
  await writer.write(bytes);
  writer.releaseLock();
}
