/**
 * Interop sanity: our encoder against @moq/lite's own draft-14 decoders, and the reverse.
 * @moq/lite's package exports do not expose its ietf/ folder, so it is imported by file URL.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ClientSetup,
  FilterType,
  GoAway,
  GroupOrder,
  PublishDone,
  PublishNamespace,
  SetupParameters,
  Subscribe,
  SubscribeError,
  SubscribeOk,
  Version,
  decodeControlMessage,
  encodeControlMessage,
  type ControlMessage,
} from './index.js';

interface LiteReader {
  done(): Promise<boolean>;
}
type LiteReaderCtor = new (stream: undefined, buffer: Uint8Array, version: number) => LiteReader;
type LiteWriterCtor = new (
  stream: WritableStream<Uint8Array>,
  version: number,
) => {
  u53(v: number): Promise<void>;
  close(): void;
  readonly closed: Promise<void>;
};
interface LiteDecodable {
  readonly id: number;
  decode(r: LiteReader, version: number): Promise<Record<string, unknown>>;
}
interface LiteEncodable {
  encode(w: InstanceType<LiteWriterCtor>, version: number): Promise<void>;
}

const liteRoot = new URL('../../../node_modules/@moq/lite/', import.meta.url);

async function lite<T>(path: string): Promise<T> {
  return (await import(new URL(path, liteRoot).href)) as T;
}

async function liteDecode(
  cls: LiteDecodable,
  message: ControlMessage,
): Promise<Record<string, unknown>> {
  const wire = encodeControlMessage(message);
  assert.equal(wire[0], cls.id);
  const { Reader } = await lite<{ Reader: LiteReaderCtor }>('stream.js');
  const reader = new Reader(undefined, wire.subarray(1), Version.DRAFT_14);
  const decoded = await cls.decode(reader, Version.DRAFT_14);
  assert.equal(await reader.done(), true);
  return decoded;
}

async function liteEncode(
  message: LiteEncodable & { constructor: unknown },
  id: number,
): Promise<Uint8Array> {
  const { Writer } = await lite<{ Writer: LiteWriterCtor }>('stream.js');
  const chunks: Uint8Array[] = [];
  const writer = new Writer(
    new WritableStream({ write: (c: Uint8Array) => void chunks.push(c.slice()) }),
    Version.DRAFT_14,
  );
  await writer.u53(id);
  await message.encode(writer, Version.DRAFT_14);
  writer.close();
  await writer.closed;
  return Buffer.concat(chunks);
}

const setupModule = lite<{ ClientSetup: LiteDecodable & (new (f: object) => LiteEncodable) }>(
  'ietf/setup.js',
);
const subscribeModule = lite<{
  Subscribe: LiteDecodable & (new (f: object) => LiteEncodable);
  SubscribeOk: LiteDecodable;
  SubscribeError: LiteDecodable;
}>('ietf/subscribe.js');

test('interop: @moq/lite decodes our CLIENT_SETUP and SUBSCRIBE', async () => {
  const { ClientSetup: LiteClientSetup } = await setupModule;
  const setup = await liteDecode(
    LiteClientSetup,
    new ClientSetup({
      supportedVersions: [Version.DRAFT_14],
      parameters: SetupParameters.from({
        path: '/moq',
        maxRequestId: 10,
        implementation: 'studio',
      }),
    }),
  );
  assert.deepEqual(setup.versions, [Version.DRAFT_14]);
  const params = setup.parameters as { vars: Map<bigint, bigint>; bytes: Map<bigint, Uint8Array> };
  assert.equal(params.vars.get(2n), 10n);
  assert.equal(new TextDecoder().decode(params.bytes.get(1n)), '/moq');
  assert.equal(new TextDecoder().decode(params.bytes.get(7n)), 'studio');

  const { Subscribe: LiteSubscribe } = await subscribeModule;
  const subscribe = await liteDecode(
    LiteSubscribe,
    new Subscribe({
      requestId: 4,
      trackNamespace: ['live', 'cam'],
      trackName: 'video',
      subscriberPriority: 7,
      groupOrder: GroupOrder.Descending,
      forward: true,
      filter: { type: FilterType.LargestObject },
    }),
  );
  assert.equal(subscribe.requestId, 4n);
  assert.equal(subscribe.trackNamespace, 'live/cam');
  assert.equal(subscribe.trackName, 'video');
  assert.equal(subscribe.subscriberPriority, 7);
});

test('interop: @moq/lite decodes our SUBSCRIBE_OK, SUBSCRIBE_ERROR, PUBLISH_DONE, PUBLISH_NAMESPACE, GOAWAY', async () => {
  const { SubscribeOk: LiteOk, SubscribeError: LiteError } = await subscribeModule;
  const ok = await liteDecode(
    LiteOk,
    new SubscribeOk({
      requestId: 4,
      trackAlias: 9,
      expiresMs: 0,
      groupOrder: GroupOrder.Ascending,
      largestLocation: { group: 3, object: 1 },
    }),
  );
  assert.equal(ok.trackAlias, 9n);
  const error = await liteDecode(
    LiteError,
    new SubscribeError({ requestId: 4, errorCode: 4, reasonPhrase: 'gone' }),
  );
  assert.equal(error.reasonPhrase, 'gone');

  const { PublishDone: LiteDone } = await lite<{ PublishDone: LiteDecodable }>('ietf/publish.js');
  const done = await liteDecode(
    LiteDone,
    new PublishDone({ requestId: 4, statusCode: 2, streamCount: 'unknown', reasonPhrase: 'ended' }),
  );
  assert.equal(done.statusCode, 2);
  const { PublishNamespace: LiteNs } = await lite<{ PublishNamespace: LiteDecodable }>(
    'ietf/publish_namespace.js',
  );
  const ns = await liteDecode(
    LiteNs,
    new PublishNamespace({ requestId: 2, trackNamespace: ['room', 'alice'] }),
  );
  assert.equal(ns.trackNamespace, 'room/alice');
  const { GoAway: LiteGoAway } = await lite<{ GoAway: LiteDecodable }>('ietf/goaway.js');
  const goAway = await liteDecode(LiteGoAway, new GoAway({ newSessionUri: 'moqt://b.example/' }));
  assert.equal(goAway.newSessionUri, 'moqt://b.example/');
});

test('interop: we decode @moq/lite CLIENT_SETUP and SUBSCRIBE', async () => {
  const { ClientSetup: LiteClientSetup } = await setupModule;
  const setupWire = await liteEncode(new LiteClientSetup({ versions: [Version.DRAFT_14] }), 0x20);
  const setup = decodeControlMessage(setupWire);
  assert.ok(setup instanceof ClientSetup);
  assert.deepEqual(setup.supportedVersions, [Version.DRAFT_14]);

  const { Subscribe: LiteSubscribe } = await subscribeModule;
  const wire = await liteEncode(
    new LiteSubscribe({
      requestId: 6n,
      trackNamespace: 'live/cam',
      trackName: 'audio',
      subscriberPriority: 3,
    }),
    0x03,
  );
  const subscribe = decodeControlMessage(wire);
  assert.ok(subscribe instanceof Subscribe);
  assert.deepEqual(subscribe.trackNamespace, ['live', 'cam']);
  assert.equal(subscribe.trackName, 'audio');
  assert.equal(subscribe.filter.type, FilterType.LargestObject);
});
