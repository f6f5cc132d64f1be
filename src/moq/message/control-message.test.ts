import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { MoqError, SessionCloseCode } from '../error/index.js';
import {
  AuthTokenAliasType,
  ClientSetup,
  type ControlMessage,
  ControlMessageDecoder,
  Fetch,
  FetchCancel,
  FetchError,
  FetchOk,
  FetchType,
  FilterType,
  GoAway,
  GroupOrder,
  type KeyValuePair,
  MaxRequestId,
  Parameters,
  Publish,
  PublishDone,
  PublishError,
  PublishNamespace,
  PublishNamespaceCancel,
  PublishNamespaceDone,
  PublishNamespaceError,
  PublishNamespaceOk,
  PublishOk,
  RequestsBlocked,
  ServerSetup,
  SetupParameters,
  Subscribe,
  SubscribeError,
  SubscribeNamespace,
  SubscribeNamespaceError,
  SubscribeNamespaceOk,
  SubscribeOk,
  SubscribeUpdate,
  type SubscriptionFilter,
  TrackStatus,
  TrackStatusError,
  TrackStatusOk,
  Unsubscribe,
  UnsubscribeNamespace,
  Version,
  decodeControlMessage,
  encodeControlMessage,
} from './index.js';

// ---- arbitraries -------------------------------------------------------------------------

/** Records with ordinary prototypes, so deepStrictEqual compares them with decoded objects. */
function rec<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true });
}

const varint = fc.oneof(
  fc.integer({ min: 0, max: 63 }),
  fc.integer({ min: 0, max: 16383 }),
  fc.integer({ min: 0, max: 2 ** 30 - 1 }),
  fc.maxSafeNat(),
);
const u8 = fc.integer({ min: 0, max: 255 });
const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const namespace = fc.array(text, { minLength: 1, maxLength: 6 });
const location = rec({ group: varint, object: varint });
const anyOrder = fc.constantFrom(GroupOrder.Publisher, GroupOrder.Ascending, GroupOrder.Descending);
const order = fc.constantFrom(GroupOrder.Ascending, GroupOrder.Descending);
const reason = fc.string({ unit: 'grapheme', maxLength: 40 });
const bytes = fc.uint8Array({ maxLength: 24 });

const unknownPair: fc.Arbitrary<KeyValuePair> = fc.oneof(
  rec({ type: fc.integer({ min: 0x20, max: 0x1000 }).map((t) => t * 2), value: varint }),
  rec({ type: fc.integer({ min: 0x20, max: 0x1000 }).map((t) => t * 2 + 1), value: bytes }),
);
const token = fc.oneof(
  rec({ aliasType: fc.constant(AuthTokenAliasType.Delete), alias: varint }),
  rec({ aliasType: fc.constant(AuthTokenAliasType.UseAlias), alias: varint }),
  rec({
    aliasType: fc.constant(AuthTokenAliasType.Register),
    alias: varint,
    tokenType: varint,
    tokenValue: bytes,
  }),
  rec({
    aliasType: fc.constant(AuthTokenAliasType.UseValue),
    tokenType: varint,
    tokenValue: bytes,
  }),
);
const parameters = fc
  .record(
    {
      deliveryTimeoutMs: varint,
      maxCacheDurationMs: varint,
      authorizationTokens: fc.array(token, { maxLength: 2 }),
      others: fc.array(unknownPair, { maxLength: 3 }),
    },
    { requiredKeys: [], noNullPrototype: true },
  )
  .map((init) => Parameters.from(init));
const setupParameters = fc
  .record(
    {
      path: text,
      authority: text,
      maxRequestId: varint,
      maxAuthTokenCacheSizeBytes: varint,
      authorizationTokens: fc.array(token, { maxLength: 2 }),
      implementation: text,
      others: fc.array(unknownPair, { maxLength: 3 }),
    },
    { requiredKeys: [], noNullPrototype: true },
  )
  .map((init) => SetupParameters.from(init));
const filter: fc.Arbitrary<SubscriptionFilter> = fc.oneof(
  fc.constant({ type: FilterType.NextGroupStart }),
  fc.constant({ type: FilterType.LargestObject }),
  location.map((start) => ({ type: FilterType.AbsoluteStart, start })),
  rec({ start: location, endGroup: varint }).map((f) => ({ type: FilterType.AbsoluteRange, ...f })),
);
const version32 = fc.integer({ min: 0, max: 0xffffffff });
const subscribeFields = rec({
  requestId: varint,
  trackNamespace: namespace,
  trackName: text,
  subscriberPriority: u8,
  groupOrder: anyOrder,
  forward: fc.boolean(),
  filter,
  parameters,
});
const subscribeOkFields = rec({
  requestId: varint,
  trackAlias: varint,
  expiresMs: varint,
  groupOrder: order,
  largestLocation: fc.option(location, { nil: undefined }),
  parameters,
});
const errorFields = rec({ requestId: varint, errorCode: varint, reasonPhrase: reason });
const fetchTarget = fc.oneof(
  fc
    .record({ trackNamespace: namespace, trackName: text, start: location, end: location })
    .map((t) => ({ type: FetchType.Standalone, ...t })),
  fc
    .record({ joiningRequestId: varint, joiningStart: varint })
    .map((t) => ({ type: FetchType.RelativeJoining, ...t })),
  fc
    .record({ joiningRequestId: varint, joiningStart: varint })
    .map((t) => ({ type: FetchType.AbsoluteJoining, ...t })),
);

/** One arbitrary per message class: every draft-14 control message. */
const messages: Record<string, fc.Arbitrary<ControlMessage>> = {
  client_setup: fc
    .record({
      supportedVersions: fc.array(version32, { maxLength: 4 }),
      parameters: setupParameters,
    })
    .map((f) => new ClientSetup(f)),
  server_setup: fc
    .record({ selectedVersion: version32, parameters: setupParameters })
    .map((f) => new ServerSetup(f)),
  go_away: text.map((newSessionUri) => new GoAway({ newSessionUri })),
  max_request_id: varint.map((maxRequestId) => new MaxRequestId({ maxRequestId })),
  requests_blocked: varint.map((maxRequestId) => new RequestsBlocked({ maxRequestId })),
  subscribe: subscribeFields.map((f) => new Subscribe(f)),
  subscribe_ok: subscribeOkFields.map((f) => new SubscribeOk(f)),
  subscribe_error: errorFields.map((f) => new SubscribeError(f)),
  subscribe_update: fc
    .record({
      requestId: varint,
      subscriptionRequestId: varint,
      start: location,
      endGroup: fc.option(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER - 1 }), {
        nil: undefined,
      }),
      subscriberPriority: u8,
      forward: fc.boolean(),
      parameters,
    })
    .map((f) => new SubscribeUpdate(f)),
  unsubscribe: varint.map((requestId) => new Unsubscribe({ requestId })),
  publish_done: fc
    .record({
      requestId: varint,
      statusCode: varint,
      streamCount: fc.oneof(varint, fc.constant('unknown' as const)),
      reasonPhrase: reason,
    })
    .map((f) => new PublishDone(f)),
  publish: fc
    .record({
      requestId: varint,
      trackNamespace: namespace,
      trackName: text,
      trackAlias: varint,
      groupOrder: order,
      largestLocation: fc.option(location, { nil: undefined }),
      forward: fc.boolean(),
      parameters,
    })
    .map((f) => new Publish(f)),
  publish_ok: fc
    .record({
      requestId: varint,
      forward: fc.boolean(),
      subscriberPriority: u8,
      groupOrder: order,
      filter,
      parameters,
    })
    .map((f) => new PublishOk(f)),
  publish_error: errorFields.map((f) => new PublishError(f)),
  fetch: fc
    .record({
      requestId: varint,
      subscriberPriority: u8,
      groupOrder: anyOrder,
      target: fetchTarget,
      parameters,
    })
    .map((f) => new Fetch(f)),
  fetch_ok: fc
    .record({
      requestId: varint,
      groupOrder: order,
      endOfTrack: fc.boolean(),
      endLocation: location,
      parameters,
    })
    .map((f) => new FetchOk(f)),
  fetch_error: errorFields.map((f) => new FetchError(f)),
  fetch_cancel: varint.map((requestId) => new FetchCancel({ requestId })),
  track_status: subscribeFields.map((f) => new TrackStatus(f)),
  track_status_ok: subscribeOkFields.map((f) => new TrackStatusOk(f)),
  track_status_error: errorFields.map((f) => new TrackStatusError(f)),
  publish_namespace: fc
    .record({ requestId: varint, trackNamespace: namespace, parameters })
    .map((f) => new PublishNamespace(f)),
  publish_namespace_ok: varint.map((requestId) => new PublishNamespaceOk({ requestId })),
  publish_namespace_error: errorFields.map((f) => new PublishNamespaceError(f)),
  publish_namespace_done: namespace.map(
    (trackNamespace) => new PublishNamespaceDone({ trackNamespace }),
  ),
  publish_namespace_cancel: fc
    .record({ trackNamespace: namespace, errorCode: varint, reasonPhrase: reason })
    .map((f) => new PublishNamespaceCancel(f)),
  subscribe_namespace: fc
    .record({ requestId: varint, trackNamespacePrefix: namespace, parameters })
    .map((f) => new SubscribeNamespace(f)),
  subscribe_namespace_ok: varint.map((requestId) => new SubscribeNamespaceOk({ requestId })),
  subscribe_namespace_error: errorFields.map((f) => new SubscribeNamespaceError(f)),
  unsubscribe_namespace: namespace.map(
    (trackNamespacePrefix) => new UnsubscribeNamespace({ trackNamespacePrefix }),
  ),
};
const anyMessage = fc.oneof(...Object.values(messages));

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

function isMoqError(e: unknown): boolean {
  return e instanceof MoqError;
}

function decodeAll(chunks: Uint8Array[]): ControlMessage[] {
  const decoder = new ControlMessageDecoder();
  const out: ControlMessage[] = [];
  for (const chunk of chunks) {
    decoder.push(chunk);
    for (let m = decoder.next(); m; m = decoder.next()) out.push(m);
  }
  assert.equal(decoder.bufferedBytes, 0);
  return out;
}

// ---- round trips -------------------------------------------------------------------------

test('every draft-14 control message type has an arbitrary (30 messages)', () => {
  assert.equal(Object.keys(messages).length, 30);
});

for (const [kind, arbitrary] of Object.entries(messages)) {
  test(`${kind}: encode → decode is the identity and re-encodes to the same bytes`, () => {
    fc.assert(
      fc.property(arbitrary, (message) => {
        assert.equal(message.kind, kind);
        const wire = encodeControlMessage(message);
        const decoded = decodeControlMessage(wire);
        assert.deepEqual(decoded, message);
        assert.equal(hex(encodeControlMessage(decoded)), hex(wire));
      }),
      { numRuns: 150 },
    );
  });
}

// ---- golden vectors (built by hand from the draft's layouts) ------------------------------

test('golden: CLIENT_SETUP offering draft-14 with PATH "/moq"', () => {
  const message = new ClientSetup({
    supportedVersions: [Version.DRAFT_14],
    parameters: SetupParameters.from({ path: '/moq' }),
  });
  // Type 0x20 | Length 16 | 1 version | 0xff00000e as an 8-byte varint | 1 param | PATH(1) len 4 "/moq"
  const expected = '20' + '0010' + '01' + 'c0000000ff00000e' + '01' + '01' + '04' + '2f6d6f71';
  assert.equal(hex(encodeControlMessage(message)), expected);
  const decoded = decodeControlMessage(Buffer.from(expected, 'hex'));
  assert.ok(decoded instanceof ClientSetup);
  assert.deepEqual(decoded.supportedVersions, [0xff00000e]);
  assert.equal(decoded.parameters.path, '/moq');
});

test('golden: SUBSCRIBE with the Largest Object filter', () => {
  const message = new Subscribe({
    requestId: 0,
    trackNamespace: ['live'],
    trackName: 'video',
    subscriberPriority: 128,
    groupOrder: GroupOrder.Descending,
    forward: true,
    filter: { type: FilterType.LargestObject },
  });
  // Type 3 | Length 18 | req 0 | ns (1 field "live") | name "video" | prio 0x80 | order 2 |
  // forward 1 | filter 2 | 0 params
  const expected =
    '03' + '0012' + '00' + '01046c697665' + '05766964656f' + '80' + '02' + '01' + '02' + '00';
  assert.equal(hex(encodeControlMessage(message)), expected);
  assert.deepEqual(decodeControlMessage(Buffer.from(expected, 'hex')), message);
});

test('golden: SUBSCRIBE_ERROR and PUBLISH_DONE with unknown stream count', () => {
  const error = new SubscribeError({ requestId: 2, errorCode: 4, reasonPhrase: 'nope' });
  assert.equal(hex(encodeControlMessage(error)), '05' + '0007' + '02' + '04' + '046e6f7065');
  const done = new PublishDone({
    requestId: 1,
    statusCode: 2,
    streamCount: 'unknown',
    reasonPhrase: '',
  });
  assert.equal(
    hex(encodeControlMessage(done)),
    '0b' + '000b' + '01' + '02' + 'ffffffffffffffff' + '00',
  );
  assert.deepEqual(decodeControlMessage(encodeControlMessage(done)), done);
});

// ---- incremental decoding ----------------------------------------------------------------

test('decoder: a message stream split at every byte boundary decodes the same', () => {
  fc.assert(
    fc.property(fc.array(anyMessage, { minLength: 1, maxLength: 4 }), (list) => {
      const wire = Buffer.concat(list.map((m) => encodeControlMessage(m)));
      for (let cut = 0; cut <= wire.length; cut++) {
        assert.deepEqual(decodeAll([wire.subarray(0, cut), wire.subarray(cut)]), list);
      }
    }),
    { numRuns: 40 },
  );
});

test('decoder: byte-at-a-time input decodes the same', () => {
  fc.assert(
    fc.property(fc.array(anyMessage, { minLength: 1, maxLength: 3 }), (list) => {
      const wire = Buffer.concat(list.map((m) => encodeControlMessage(m)));
      const chunks = [...wire].map((b) => Uint8Array.of(b));
      assert.deepEqual(decodeAll(chunks), list);
    }),
    { numRuns: 40 },
  );
});

test('decoder: decoded payload bytes do not alias the pushed chunk', () => {
  const message = new PublishNamespace({
    requestId: 0,
    trackNamespace: ['a'],
    parameters: new Parameters([{ type: 0x41, value: Uint8Array.of(1, 2, 3) }]),
  });
  const wire = encodeControlMessage(message);
  const decoder = new ControlMessageDecoder();
  decoder.push(wire);
  const decoded = decoder.next();
  wire.fill(0);
  assert.deepEqual(decoded, message);
});

// ---- malformed input ---------------------------------------------------------------------

function assertViolation(
  wireHex: string,
  code: number = SessionCloseCode.PROTOCOL_VIOLATION,
): void {
  assert.throws(
    () => decodeControlMessage(Buffer.from(wireHex, 'hex')),
    (e: unknown) => e instanceof MoqError && e.code === code && e.scope === 'session',
  );
}

test('malformed: unknown type, short and long lengths, trailing bytes', () => {
  assertViolation('01' + '0000'); // 0x01: reserved SETUP type
  assertViolation('40' + '40' + '0000'); // 0x40 as a 2-byte varint: reserved CLIENT_SETUP
  assertViolation('0a' + '0002' + '05'); // UNSUBSCRIBE: length says 2, payload is 1 (truncated)
  assertViolation('0a' + '0002' + '0505'); // UNSUBSCRIBE: one byte past the payload
  assertViolation('0a' + '0000'); // UNSUBSCRIBE: empty payload
});

test('malformed: field values the draft forbids', () => {
  const sub = (order: string, forward: string, filter: string): string =>
    '03' + '000b' + '00' + '010161' + '0162' + '80' + order + forward + filter + '00';
  assertViolation(sub('03', '01', '02')); // group order 3
  assertViolation(sub('02', '02', '02')); // forward 2
  assertViolation(sub('02', '01', '05')); // filter type 5
  assertViolation('03' + '0008' + '00' + '00' + '0162' + '800201' + '02'); // empty namespace
  // SUBSCRIBE_OK with group order 0, and with Content Exists = 2.
  assertViolation('04' + '0006' + '00' + '01' + '00' + '00' + '00' + '00');
  assertViolation('04' + '0006' + '00' + '01' + '00' + '01' + '02' + '00');
  // FETCH with fetch type 4.
  assertViolation('16' + '0006' + '00' + '80' + '00' + '04' + '0000');
  // Duplicate DELIVERY TIMEOUT in PUBLISH_NAMESPACE.
  assertViolation('06' + '000a' + '00' + '010161' + '02' + '0205' + '0206');
  // Malformed AUTHORIZATION TOKEN (alias type 9) in PUBLISH_NAMESPACE.
  assertViolation(
    '06' + '0008' + '00' + '010161' + '01' + '030109',
    SessionCloseCode.KEY_VALUE_FORMATTING_ERROR,
  );
  // Reason phrase longer than 1024 bytes.
  assertViolation('05' + '0005' + '00' + '00' + '4401' + '00');
  // Invalid UTF-8 in a track name.
  assertViolation('03' + '000a' + '00' + '010161' + '01ff' + '80020102' + '00');
});

test('malformed: namespace limits (33 fields, or more than 4096 bytes with the name)', () => {
  const fields33 = Array.from({ length: 33 }, () => 'x');
  assert.throws(
    () => encodeControlMessage(new PublishNamespaceDone({ trackNamespace: fields33 })),
    isMoqError,
  );
  const wide = ['a'.repeat(4000)];
  const big = new Subscribe({
    requestId: 0,
    trackNamespace: wide,
    trackName: 'b'.repeat(97),
    subscriberPriority: 0,
    groupOrder: 0,
    forward: true,
    filter: { type: FilterType.LargestObject },
  });
  assert.throws(() => encodeControlMessage(big), isMoqError);
  const ok = new Subscribe({ ...big, trackName: 'b'.repeat(96) });
  assert.deepEqual(decodeControlMessage(encodeControlMessage(ok)), ok);
  // 33 fields on the wire.
  const wire = '09' + '0043' + '21' + '0178'.repeat(33);
  assertViolation(wire);
});

test('encode: a payload over 65535 bytes is refused', () => {
  const params = new Parameters(
    Array.from({ length: 3 }, (_, i) => ({ type: 0x41 + 2 * i, value: new Uint8Array(30000) })),
  );
  const message = new PublishNamespace({ requestId: 0, trackNamespace: ['a'], parameters: params });
  assert.throws(
    () => encodeControlMessage(message),
    (e: unknown) => e instanceof MoqError && e.code === SessionCloseCode.PROTOCOL_VIOLATION,
  );
});

test('versions other than draft-14 and draft-16 are refused', () => {
  assert.throws(
    () => encodeControlMessage(new Unsubscribe({ requestId: 0 }), Version.DRAFT_18),
    isMoqError,
  );
  assert.throws(() => new ControlMessageDecoder().setVersion(Version.DRAFT_18), isMoqError);
});

// ---- fuzzing -----------------------------------------------------------------------------

function decodeFuzz(chunks: Uint8Array[]): void {
  const decoder = new ControlMessageDecoder();
  try {
    for (const chunk of chunks) {
      decoder.push(chunk);
      while (decoder.next());
    }
  } catch (e) {
    assert.ok(e instanceof MoqError, String(e));
    assert.equal(e.scope, 'session');
  }
}

test('fuzz: random bytes fail only with a session MoqError', () => {
  fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 6 }), decodeFuzz), {
    numRuns: 3000,
  });
});

test('fuzz: random payloads under every known type fail only with MoqError', () => {
  const types = Object.values(messages).map(
    (a) => encodeControlMessage(fc.sample(a, 1)[0] as ControlMessage)[0] as number,
  );
  fc.assert(
    fc.property(fc.constantFrom(...types), fc.uint8Array({ maxLength: 80 }), (type, payload) => {
      const frame = Buffer.concat([
        Uint8Array.of(type, payload.length >> 8, payload.length & 0xff),
        payload,
      ]);
      decodeFuzz([frame]);
    }),
    { numRuns: 5000 },
  );
});

test('fuzz: mutated valid messages fail only with MoqError or decode to something', () => {
  fc.assert(
    fc.property(
      anyMessage,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 4,
      }),
      fc.nat(),
      (message, flips, cut) => {
        const wire = encodeControlMessage(message).slice();
        for (const [at, value] of flips) wire[at % wire.length] = value;
        decodeFuzz([
          wire.subarray(0, cut % (wire.length + 1)),
          wire.subarray(cut % (wire.length + 1)),
        ]);
      },
    ),
    { numRuns: 3000 },
  );
});

test('bounded: a message announcing 65535 bytes is not allocated before it arrives', () => {
  const decoder = new ControlMessageDecoder();
  decoder.push(Uint8Array.of(0x03, 0xff, 0xff));
  assert.equal(decoder.next(), undefined);
  assert.equal(decoder.bufferedBytes, 3);
  decoder.push(new Uint8Array(65535));
  assert.throws(() => decoder.next(), isMoqError);
  assert.throws(() => decoder.push(Uint8Array.of(0)), isMoqError); // stays failed
});

test('bounded: a caller that never drains is refused instead of buffering forever', () => {
  const decoder = new ControlMessageDecoder();
  const unsub = encodeControlMessage(new Unsubscribe({ requestId: 1 }));
  assert.throws(() => {
    for (let i = 0; i < 100000; i++) decoder.push(unsub);
  }, isMoqError);
});
