import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MoqError } from '../error/index.js';
import {
  D18MessageDecoder,
  FilterType,
  GroupOrder,
  Parameters,
  SWITCHING_SET_PARAMETER,
  Subscribe,
  decodeSwitchingSet,
  encodeD18Message,
  encodeSwitchingSet,
} from './index.js';

const BYTES = Buffer.from(
  [
    '03', // SUBSCRIBE
    '0012', // Length 18
    '02', // Request ID 2
    '01',
    '0161', // namespace ("a")
    '0176', // name "v"
    '02', // two parameters
    '2080', // SUBSCRIBER_PRIORITY (0x20): 128
    'c05333', // type delta 0x5333 → 0x5353 (SWITCHING_SET, ours) in three vi64 bytes
    '05',
    '01017643e8', // value: one track "v" at 1000 bit/s (our own encoding, QUIC varints inside)
  ].join(''),
  'hex',
);

test('draft-18 SUBSCRIBE carries our SWITCHING_SET parameter: hand-built bytes both ways', () => {
  const subscribe = new Subscribe({
    requestId: 2,
    trackNamespace: ['a'],
    trackName: 'v',
    subscriberPriority: 128,
    groupOrder: GroupOrder.Publisher,
    forward: true,
    filter: { type: FilterType.AbsoluteStart, start: { group: 0, object: 0 } },
    parameters: new Parameters([
      {
        type: SWITCHING_SET_PARAMETER,
        value: encodeSwitchingSet([{ trackName: 'v', bitrateBps: 1000 }]),
      },
    ]),
  });
  assert.equal(Buffer.from(encodeD18Message(subscribe)).toString('hex'), BYTES.toString('hex'));
  const decoder = new D18MessageDecoder({ requestId: 0, reader: 'server' });
  decoder.push(BYTES);
  const back = decoder.next();
  assert.ok(back?.kind === 'subscribe');
  assert.equal(back.requestId, 2);
  const set = back.parameters.switchingSet;
  assert.ok(set);
  assert.deepEqual(decodeSwitchingSet(set), [{ trackName: 'v', bitrateBps: 1000 }]);
});

test('draft-18 SUBSCRIBE with a parameter type nobody defined closes the session', () => {
  const bad = Buffer.from(BYTES);
  bad[13] = 0x54; // 0x5453: not a parameter we know; Type-Value values cannot be skipped
  const decoder = new D18MessageDecoder({ requestId: 0, reader: 'server' });
  decoder.push(bad);
  assert.throws(
    () => decoder.next(),
    (e: unknown) => e instanceof MoqError && e.scope === 'session' && /0x5453/.test(e.reason),
  );
});
