import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { MoqError, SessionCloseCode } from '../error/index.js';
import type { KeyValuePair } from '../message/index.js';
import {
  DataStreamDecoder,
  type DataStreamEvent,
  ObjectStatus,
  type SubgroupObject,
  encodeFetchHeader,
  encodeFetchObject,
  encodeSubgroupHeader,
  encodeSubgroupObject,
  encodeSubgroupObjectHeader,
  isSubgroupHeaderType,
  peekDataStreamType,
  subgroupHeaderFlags,
  subgroupHeaderType,
} from './index.js';

const SUBGROUP_TYPES = [
  0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d,
] as const;

function rec<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true });
}

const varint = fc.oneof(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 2 ** 32 }));
const extension: fc.Arbitrary<KeyValuePair> = fc.oneof(
  rec({ type: fc.integer({ min: 0, max: 200 }).map((t) => t * 2), value: varint }),
  rec({
    type: fc.integer({ min: 0, max: 200 }).map((t) => t * 2 + 1),
    value: fc.uint8Array({ maxLength: 12 }),
  }),
);
const objectBody = fc.oneof(
  rec({
    status: fc.constant(ObjectStatus.Normal),
    payload: fc.uint8Array({ maxLength: 40 }),
  }),
  rec({
    status: fc.constantFrom(
      ObjectStatus.DoesNotExist,
      ObjectStatus.EndOfGroup,
      ObjectStatus.EndOfTrack,
    ),
    payload: fc.constant(new Uint8Array(0)),
  }),
);

interface StreamCase {
  wire: Uint8Array;
  expected: DataStreamEvent[];
}

/** A subgroup stream of increasing object ids; End of Group/Track only as the last object. */
const subgroupStream: fc.Arbitrary<StreamCase> = fc
  .tuple(
    fc.constantFrom(...SUBGROUP_TYPES),
    varint,
    varint,
    varint,
    fc.integer({ min: 0, max: 255 }),
    fc.array(
      fc.tuple(fc.integer({ min: 0, max: 5 }), objectBody, fc.array(extension, { maxLength: 3 })),
      {
        maxLength: 5,
      },
    ),
  )
  .map(([type, trackAlias, groupId, explicitSubgroupId, publisherPriority, bodies]) => {
    const flags = subgroupHeaderFlags(type);
    const subgroupId =
      flags.subgroupIdMode === 'explicit'
        ? explicitSubgroupId
        : flags.subgroupIdMode === 'zero'
          ? 0
          : undefined;
    const header = { type, trackAlias, groupId, subgroupId, publisherPriority };
    const parts = [encodeSubgroupHeader(header)];
    const expected: DataStreamEvent[] = [{ kind: 'subgroup_header', ...header, ...flags }];
    let previous: number | undefined;
    let resolvedSubgroup = subgroupId;
    bodies.forEach(([gap, body, exts], i) => {
      const last = i === bodies.length - 1;
      let status = body.status;
      if (!last && (status === ObjectStatus.EndOfGroup || status === ObjectStatus.EndOfTrack)) {
        status = ObjectStatus.DoesNotExist;
      }
      const extensions =
        flags.extensionsPresent && status !== ObjectStatus.DoesNotExist ? exts : [];
      const objectId = (previous === undefined ? 0 : previous + 1) + gap;
      const object: SubgroupObject = { objectId, extensions, status, payload: body.payload };
      parts.push(encodeSubgroupObject(object, type, previous));
      previous = objectId;
      resolvedSubgroup ??= objectId;
      expected.push({
        kind: 'object',
        groupId,
        subgroupId: resolvedSubgroup,
        objectId,
        publisherPriority,
        extensions,
        status,
        payload: body.payload,
      });
    });
    return { wire: concat(parts), expected };
  });

const fetchStream: fc.Arbitrary<StreamCase> = fc
  .tuple(
    varint,
    fc.array(
      fc.tuple(
        varint,
        varint,
        varint,
        fc.integer({ min: 0, max: 255 }),
        objectBody,
        fc.array(extension, { maxLength: 2 }),
      ),
      { maxLength: 4 },
    ),
  )
  .map(([requestId, objects]) => {
    const parts = [encodeFetchHeader({ requestId })];
    const expected: DataStreamEvent[] = [{ kind: 'fetch_header', requestId }];
    for (const [groupId, subgroupId, objectId, publisherPriority, body, exts] of objects) {
      const extensions = body.status === ObjectStatus.DoesNotExist ? [] : exts;
      const object = { groupId, subgroupId, objectId, publisherPriority, extensions, ...body };
      parts.push(encodeFetchObject(object));
      expected.push({ kind: 'object', ...object });
    }
    return { wire: concat(parts), expected };
  });

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function decodeAll(chunks: Uint8Array[], maxObjectBytes?: number): DataStreamEvent[] {
  const decoder = new DataStreamDecoder(maxObjectBytes === undefined ? {} : { maxObjectBytes });
  const events: DataStreamEvent[] = [];
  for (const chunk of chunks) {
    decoder.push(chunk);
    for (let e = decoder.next(); e; e = decoder.next()) events.push(e);
  }
  decoder.end();
  return events;
}

/** Payloads may be views of the input; compare them as plain arrays. */
function normalise(events: DataStreamEvent[]): unknown[] {
  return events.map((e) => (e.kind === 'object' ? { ...e, payload: [...e.payload] } : e));
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

test('subgroup header types: the 12 draft-14 values, their DEFAULT_PRIORITY twins, and bits', () => {
  const valid = Array.from({ length: 0x80 }, (_, t) => t).filter(isSubgroupHeaderType);
  assert.deepEqual(valid, [...SUBGROUP_TYPES, ...SUBGROUP_TYPES.map((t) => t | 0x20)]);
  assert.deepEqual(subgroupHeaderFlags(0x10), {
    subgroupIdMode: 'zero',
    extensionsPresent: false,
    endOfGroup: false,
  });
  assert.deepEqual(subgroupHeaderFlags(0x13), {
    subgroupIdMode: 'first_object_id',
    extensionsPresent: true,
    endOfGroup: false,
  });
  assert.deepEqual(subgroupHeaderFlags(0x1c), {
    subgroupIdMode: 'explicit',
    extensionsPresent: false,
    endOfGroup: true,
  });
  for (const type of SUBGROUP_TYPES)
    assert.equal(subgroupHeaderType(subgroupHeaderFlags(type)), type);
});

test('golden: the draft example — SUBGROUP_HEADER 0x14 and objects "abcd", "efgh"', () => {
  const header = { type: 0x14, trackAlias: 2, groupId: 0, subgroupId: 0, publisherPriority: 0 };
  const enc = new TextEncoder();
  const wire = concat([
    encodeSubgroupHeader(header),
    encodeSubgroupObject({ objectId: 0, payload: enc.encode('abcd') }, 0x14, undefined),
    encodeSubgroupObject({ objectId: 1, payload: enc.encode('efgh') }, 0x14, 0),
  ]);
  // Header: type, alias 2, group 0, subgroup 0, priority 0. Objects: delta 0, length 4, bytes.
  assert.equal(hex(wire), '1402000000' + '000461626364' + '000465666768');
  const events = decodeAll([wire]);
  assert.equal(events.length, 3);
  const second = events[2];
  assert.ok(second?.kind === 'object');
  assert.equal(second.objectId, 1);
  assert.equal(new TextDecoder().decode(second.payload), 'efgh');
});

test('golden: extensions, empty Normal object, End of Group status, and id gaps', () => {
  const type = 0x11; // subgroup 0, extensions present
  const wire = concat([
    encodeSubgroupHeader({ type, trackAlias: 1, groupId: 7, subgroupId: 0, publisherPriority: 5 }),
    encodeSubgroupObject(
      { objectId: 2, extensions: [{ type: 0x3c, value: 1 }], payload: Uint8Array.of(9) },
      type,
      undefined,
    ),
    encodeSubgroupObject({ objectId: 5 }, type, 2),
    encodeSubgroupObject({ objectId: 6, status: ObjectStatus.EndOfGroup }, type, 5),
  ]);
  // delta 2, ext len 2 {0x3c: 1}, len 1, 0x09 | delta 2, ext 0, len 0, status 0 | delta 0, ext 0, len 0, status 3
  assert.equal(hex(wire), '11010705' + '02023c010109' + '02000000' + '00000003');
  const objects = decodeAll([wire]).filter((e) => e.kind === 'object');
  assert.deepEqual(
    objects.map((o) => [o.objectId, o.status]),
    [
      [2, 0],
      [5, 0],
      [6, 3],
    ],
  );
});

test('subgroup streams: encode → decode round trip for every header type', () => {
  fc.assert(
    fc.property(subgroupStream, ({ wire, expected }) => {
      assert.deepEqual(normalise(decodeAll([wire])), normalise(expected));
    }),
    { numRuns: 500 },
  );
});

test('fetch streams: encode → decode round trip', () => {
  fc.assert(
    fc.property(fetchStream, ({ wire, expected }) => {
      assert.deepEqual(normalise(decodeAll([wire])), normalise(expected));
    }),
    { numRuns: 300 },
  );
});

test('data streams split at every byte boundary, and byte by byte, decode the same', () => {
  fc.assert(
    fc.property(fc.oneof(subgroupStream, fetchStream), ({ wire, expected }) => {
      const want = normalise(expected);
      for (let cut = 0; cut <= wire.length; cut++) {
        assert.deepEqual(normalise(decodeAll([wire.subarray(0, cut), wire.subarray(cut)])), want);
      }
      assert.deepEqual(normalise(decodeAll([...wire].map((b) => Uint8Array.of(b)))), want);
    }),
    { numRuns: 60 },
  );
});

test('payloads are views of the input when they lie in one chunk', () => {
  const payload = new Uint8Array(1 << 20).fill(7);
  const wire = concat([
    encodeSubgroupHeader({
      type: 0x10,
      trackAlias: 0,
      groupId: 0,
      subgroupId: 0,
      publisherPriority: 0,
    }),
    encodeSubgroupObjectHeader({ objectId: 0, payload }, 0x10, undefined),
    payload,
  ]);
  const object = decodeAll([wire])[1];
  assert.ok(object?.kind === 'object');
  assert.equal(object.payload.buffer, wire.buffer);
  assert.equal(object.payload.length, payload.length);
});

test('peekDataStreamType tells subgroup from fetch streams', () => {
  assert.deepEqual(peekDataStreamType(Uint8Array.of(0x05, 0x00)), { kind: 'fetch', type: 5 });
  assert.deepEqual(peekDataStreamType(Uint8Array.of(0x1d)), { kind: 'subgroup', type: 0x1d });
  assert.equal(peekDataStreamType(Uint8Array.of(0x40)), undefined);
  assert.equal(peekDataStreamType(new Uint8Array(0)), undefined);
  for (const bad of [0x00, 0x16, 0x17, 0x1e, 0x36, 0x3f]) {
    assert.throws(() => peekDataStreamType(Uint8Array.of(bad)), MoqError);
  }
});

function assertStreamError(wireHex: string, scope: 'session' | 'stream' = 'session'): void {
  assert.throws(
    () => decodeAll([Buffer.from(wireHex, 'hex')], 1024),
    (e: unknown) => e instanceof MoqError && e.scope === scope,
  );
}

test('malformed data streams', () => {
  const h = '10000000'; // type 0x10, alias 0, group 0, priority 0
  const hx = '11000000'; // the same with extensions present
  assertStreamError('16000000'); // undefined stream type 0x16
  assertStreamError(h + '0000' + '05'); // object status 5
  assertStreamError(h + '0002' + '01'); // FIN inside a payload
  assertStreamError(h + '00'); // FIN inside an object header
  assertStreamError(hx + '00' + '0203' + '00' + '0001'); // extension block not whole pairs
  assertStreamError(hx + '00' + '020200' + '0001'); // Does Not Exist with extensions
  assertStreamError(h + '000003' + '000001'); // an object after End of Group
  assertStreamError(h + '000104' + '00'); // a non-Normal status cannot arrive with payload: len 1 → FIN
  assertStreamError(''); // FIN before the header
  assertStreamError(h + '00' + '4800', 'stream'); // payload of 2048 bytes > the 1024 cap
  assertStreamError('0500' + '000000' + '00' + '4800', 'stream'); // fetch: extensions of 2048 bytes
});

test('an oversized object is refused before any of it is buffered', () => {
  const decoder = new DataStreamDecoder({ maxObjectBytes: 1000 });
  decoder.push(Buffer.from('10000000' + '00' + 'c000000100000000', 'hex')); // 2^32 bytes
  assert.ok(decoder.next()); // header
  assert.throws(
    () => decoder.next(),
    (e: unknown) => e instanceof MoqError && e.scope === 'stream',
  );
});

test('fuzz: random bytes and mutated streams fail only with MoqError', () => {
  const check = (chunks: Uint8Array[]): void => {
    try {
      decodeAll(chunks, 4096);
    } catch (e) {
      assert.ok(e instanceof MoqError, String(e));
      if (e.scope === 'session') {
        assert.ok(
          e.code === SessionCloseCode.PROTOCOL_VIOLATION ||
            e.code === SessionCloseCode.KEY_VALUE_FORMATTING_ERROR,
        );
      }
    }
  };
  fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 5 }), check), {
    numRuns: 3000,
  });
  fc.assert(
    fc.property(
      fc.oneof(subgroupStream, fetchStream),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 3,
      }),
      fc.nat(),
      ({ wire }, flips, cut) => {
        const bytes = wire.slice();
        for (const [at, value] of flips) bytes[at % bytes.length] = value;
        const split = cut % (bytes.length + 1);
        check([bytes.subarray(0, split), bytes.subarray(split)]);
      },
    ),
    { numRuns: 3000 },
  );
});
