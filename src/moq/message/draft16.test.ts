import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientSetup,
  FilterType,
  GroupOrder,
  PublishNamespace,
  PublishNamespaceDone,
  RequestError,
  RequestOk,
  ServerSetup,
  SetupParameters,
  Subscribe,
  SubscribeError,
  SubscribeOk,
  Version,
  decodeControlMessage,
  encodeControlMessage,
} from './index.js';

const D16 = Version.DRAFT_16;
const roundTrip = (message: object): unknown =>
  decodeControlMessage(encodeControlMessage(message as never, D16), D16);

test('d16 SETUP: parameters only, delta-encoded; the version comes from the protocol', () => {
  const parameters = SetupParameters.from({ maxRequestId: 42, implementation: 'x', path: '/p' });
  const bytes = encodeControlMessage(
    new ClientSetup({ supportedVersions: [D16], parameters }),
    D16,
  );
  // Type 0x20, u16 length, 3 parameters, first type delta 0x01 (PATH).
  assert.deepEqual([...bytes.subarray(0, 5)], [0x20, 0, bytes.length - 3, 3, 0x01]);
  const back = decodeControlMessage(bytes, D16) as ClientSetup;
  assert.deepEqual(back.supportedVersions, [D16]);
  assert.equal(back.parameters.maxRequestId, 42);
  assert.equal(back.parameters.path, '/p');
  const server = roundTrip(new ServerSetup({ selectedVersion: D16, parameters })) as ServerSetup;
  assert.equal(server.selectedVersion, D16);
});

test('d16 SUBSCRIBE: priority, order, forward and filter travel as parameters and come back', () => {
  const sub = new Subscribe({
    requestId: 4,
    trackNamespace: ['a', 'b'],
    trackName: 'video',
    subscriberPriority: 7,
    groupOrder: GroupOrder.Descending,
    forward: true,
    filter: { type: FilterType.AbsoluteRange, start: { group: 3, object: 1 }, endGroup: 9 },
  });
  assert.deepEqual({ ...(roundTrip(sub) as Subscribe) }, { ...sub });
});

test('d16 SUBSCRIBE_OK: expires and largest as parameters, group order as a track extension', () => {
  const ok = new SubscribeOk({
    requestId: 4,
    trackAlias: 9,
    expiresMs: 1000,
    groupOrder: GroupOrder.Descending,
    largestLocation: { group: 5, object: 2 },
  });
  assert.deepEqual({ ...(roundTrip(ok) as SubscribeOk) }, { ...ok });
});

test('d16 answers: SUBSCRIBE_ERROR goes out as REQUEST_ERROR with the d16 code', () => {
  const error = new SubscribeError({ requestId: 2, errorCode: 0x4, reasonPhrase: 'gone' });
  const back = roundTrip(error) as RequestError;
  assert.equal(back.kind, 'request_error');
  assert.equal(back.errorCode, 0x10, 'TRACK_DOES_NOT_EXIST is DOES_NOT_EXIST (0x10) in d16');
  assert.equal(back.reasonPhrase, 'gone');
  const ok = roundTrip(new RequestOk({ requestId: 3 })) as RequestOk;
  assert.equal(ok.requestId, 3);
});

test('d16 PUBLISH_NAMESPACE_DONE names the Request ID; PUBLISH_NAMESPACE keeps its shape', () => {
  const done = roundTrip(new PublishNamespaceDone({ trackNamespace: [], requestId: 6 }));
  assert.equal((done as PublishNamespaceDone).requestId, 6);
  const pn = new PublishNamespace({ requestId: 6, trackNamespace: ['x'] });
  assert.deepEqual((roundTrip(pn) as PublishNamespace).trackNamespace, ['x']);
});

test('d16 bytes from the draft: REQUEST_ERROR 0x05 with Retry Interval decodes', () => {
  // Request ID 1, code 0x10, retry 0, reason "no".
  const bytes = Uint8Array.from([0x05, 0x00, 0x06, 0x01, 0x10, 0x00, 0x02, 0x6e, 0x6f]);
  const message = decodeControlMessage(bytes, D16) as RequestError;
  assert.equal(message.kind, 'request_error');
  assert.equal(message.errorCode, 0x10);
  assert.equal(message.reasonPhrase, 'no');
});
