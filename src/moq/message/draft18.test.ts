import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MoqError } from '../error/index.js';
import {
  AuthTokenAliasType,
  ClientSetup,
  D18MessageDecoder,
  FilterType,
  GroupOrder,
  PublishDone,
  PublishNamespace,
  PublishNamespaceOk,
  SetupParameters,
  Subscribe,
  SubscribeError,
  SubscribeOk,
  decodeD18Payload,
  encodeD18Message,
  type ControlMessage,
  type D18DecodeContext,
} from './index.js';

const server = { requestId: 7, reader: 'server' as const };
const client = { requestId: 7, reader: 'client' as const };

function roundTrip(message: ControlMessage, context: D18DecodeContext = server): ControlMessage {
  const decoder = new D18MessageDecoder(context);
  decoder.push(encodeD18Message(message));
  const back = decoder.next();
  assert.ok(back);
  assert.equal(decoder.bufferedBytes, 0);
  return back;
}

test('draft-18 SUBSCRIBE: hand-built bytes (vi64 Request ID, Type-Value parameters) decode', () => {
  const bytes = Buffer.from(
    [
      '03', // SUBSCRIBE
      '0015', // Length 21
      '80c8', // Request ID 200 in vi64 (QUIC would be 40c8)
      '01',
      '04',
      '6c697665', // namespace ("live")
      '05',
      '766964656f', // name "video"
      '03', // three parameters
      '10',
      '00', // FORWARD (0x10) uint8 0
      '10',
      'c8', // +0x10 = SUBSCRIBER_PRIORITY (0x20) uint8 200
      '02',
      '02', // +2 = GROUP_ORDER (0x22) uint8 Descending
    ].join(''),
    'hex',
  );
  const decoder = new D18MessageDecoder(server);
  decoder.push(bytes);
  const m = decoder.next();
  assert.ok(m instanceof Subscribe);
  assert.equal(m.requestId, 200);
  assert.deepEqual(m.trackNamespace, ['live']);
  assert.equal(m.trackName, 'video');
  assert.equal(m.forward, false);
  assert.equal(m.subscriberPriority, 200);
  assert.equal(m.groupOrder, GroupOrder.Descending);
  // Unfiltered: no SUBSCRIPTION_FILTER parameter.
  assert.equal(m.filter.type, FilterType.AbsoluteStart);
  assert.deepEqual(Buffer.from(encodeD18Message(m)).toString('hex'), bytes.toString('hex'));
});

test('draft-18 SUBSCRIBE round-trips its filter (AbsoluteRange as an end delta)', () => {
  const sent = new Subscribe({
    requestId: 4,
    trackNamespace: ['a', 'b'],
    trackName: 't',
    subscriberPriority: 5,
    groupOrder: GroupOrder.Ascending,
    forward: true,
    filter: { type: FilterType.AbsoluteRange, start: { group: 300, object: 2 }, endGroup: 310 },
  });
  const back = roundTrip(sent);
  assert.ok(back instanceof Subscribe);
  assert.deepEqual(back.filter, sent.filter);
  assert.equal(back.subscriberPriority, 5);
});

test('draft-18 answers carry no Request ID: the stream context supplies it', () => {
  const ok = roundTrip(
    new SubscribeOk({
      requestId: 99,
      trackAlias: 3,
      expiresMs: 0,
      groupOrder: GroupOrder.Descending,
      largestLocation: { group: 1000, object: 4 },
    }),
    client,
  );
  assert.ok(ok instanceof SubscribeOk);
  assert.equal(ok.requestId, 7);
  assert.equal(ok.trackAlias, 3);
  assert.equal(ok.groupOrder, GroupOrder.Descending);
  assert.deepEqual(ok.largestLocation, { group: 1000, object: 4 });

  const error = roundTrip(
    new SubscribeError({ requestId: 1, errorCode: 0x10, reasonPhrase: 'no' }),
    client,
  );
  assert.equal(error.kind, 'request_error');
  assert.equal((error as { requestId: number }).requestId, 7);

  const nsOk = roundTrip(new PublishNamespaceOk({ requestId: 1 }), client);
  assert.equal(nsOk.kind, 'request_ok');
  // REQUEST_OK: type 7, length 1, zero parameters.
  assert.equal(
    Buffer.from(encodeD18Message(new PublishNamespaceOk({ requestId: 1 }))).toString('hex'),
    '07000100',
  );

  const done = roundTrip(
    new PublishDone({ requestId: 1, statusCode: 2, streamCount: 12, reasonPhrase: 'ended' }),
    client,
  );
  assert.ok(done instanceof PublishDone);
  assert.equal(done.streamCount, 12);
  assert.equal(done.reasonPhrase, 'ended');
});

test('draft-18 PUBLISH_NAMESPACE and SETUP (options as delta-typed pairs, token in vi64)', () => {
  const ns = roundTrip(new PublishNamespace({ requestId: 2, trackNamespace: ['room', 'x'] }));
  assert.ok(ns instanceof PublishNamespace);
  assert.deepEqual(ns.trackNamespace, ['room', 'x']);

  const token = {
    aliasType: AuthTokenAliasType.UseValue,
    tokenType: 0,
    tokenValue: new Uint8Array([1, 2, 3]),
  };
  const setup = new ClientSetup({
    supportedVersions: [],
    parameters: SetupParameters.from({
      path: '/moq?x=1',
      implementation: 'us',
      authorizationTokens: [token],
      maxRequestId: 9,
    }),
  });
  const bytes = encodeD18Message(setup);
  // Type 0x2F00 is a 2-byte vi64 (0xaf00); the first option is PATH (0x01).
  assert.equal(Buffer.from(bytes.subarray(0, 2)).toString('hex'), 'af00');
  assert.equal(bytes[4], 0x01);
  const back = roundTrip(setup);
  assert.ok(back instanceof ClientSetup);
  assert.equal(back.parameters.path, '/moq?x=1');
  assert.equal(back.parameters.implementation, 'us');
  assert.deepEqual(back.parameters.authorizationTokens, [token]);
  // MAX_REQUEST_ID is no draft-18 option.
  assert.equal(back.parameters.maxRequestId, undefined);
  assert.equal(roundTrip(setup, client).kind, 'server_setup');
});

test('draft-18 malformed input is a typed session error', () => {
  const violation = (hex: string): void => {
    assert.throws(
      () =>
        decodeD18Payload(
          Number.parseInt(hex.slice(0, 2), 16),
          Buffer.from(hex.slice(2), 'hex'),
          server,
        ),
      (e: unknown) => e instanceof MoqError && e.scope === 'session',
    );
  };
  violation('0300'); // SUBSCRIBE truncated
  violation('0300010161000101ff00'); // unknown parameter type 0xff
  violation('070101'); // REQUEST_OK with a parameter count but no parameter
  violation('0700aa'); // REQUEST_OK with Track Properties
  violation('2000'); // draft-16 CLIENT_SETUP type is no draft-18 message
  // A draft-14 CLIENT_SETUP (type 0x20) framed on a draft-18 stream.
  const decoder = new D18MessageDecoder(server);
  decoder.push(Buffer.from('2000030102ff', 'hex'));
  assert.throws(() => decoder.next(), MoqError);
});
