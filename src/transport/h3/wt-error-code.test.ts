import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { http3CodeToWebTransport, webTransportCodeToHttp3 } from './index.js';

const FIRST = 0x52e4a40fa8db;
const LAST = 0x52e5ac983162;
/** draft-16 §4.4: reserved HTTP/3 codes have the form 0x1f * N + 0x21. */
const isReserved = (h: number): boolean => (h - 0x21) % 0x1f === 0;

test('WebTransport error codes: the range ends and the value Chromium was seen to send', () => {
  assert.equal(webTransportCodeToHttp3(0), FIRST);
  assert.equal(webTransportCodeToHttp3(0xffffffff), LAST);
  assert.equal(webTransportCodeToHttp3(7), 0x52e4a40fa8e2); // notes §4: StreamReset(91141958510818)
  assert.equal(webTransportCodeToHttp3(7), 91141958510818);
  assert.equal(http3CodeToWebTransport(FIRST), 0);
  assert.equal(http3CodeToWebTransport(LAST), 0xffffffff);
  assert.equal(http3CodeToWebTransport(FIRST - 1), undefined);
  assert.equal(http3CodeToWebTransport(LAST + 1), undefined);
  assert.equal(http3CodeToWebTransport(0x10c), undefined);
  assert.equal(http3CodeToWebTransport(FIRST + 0x1e), undefined); // first reserved point
  assert.equal(webTransportCodeToHttp3(0x1e), FIRST + 0x1f); // ...which code 0x1e skips
  assert.throws(() => webTransportCodeToHttp3(2 ** 32), RangeError);
  assert.throws(() => webTransportCodeToHttp3(1.5), RangeError);
});

test('WebTransport error codes: every u32 round-trips and never lands on a reserved point', () => {
  fc.assert(
    fc.property(fc.nat({ max: 0xffffffff }), (code) => {
      const h3 = webTransportCodeToHttp3(code);
      assert.ok(h3 >= FIRST && h3 <= LAST && !isReserved(h3));
      assert.equal(http3CodeToWebTransport(h3), code);
    }),
    { numRuns: 10000 },
  );
});

test('WebTransport error codes: near both ends, reserved points are exactly the unmapped ones', () => {
  for (const start of [FIRST, LAST - 2000]) {
    let previous: number | undefined;
    for (let h = start; h <= start + 2000; h++) {
      const code = http3CodeToWebTransport(h);
      assert.equal(code === undefined, isReserved(h), `0x${h.toString(16)}`);
      if (code === undefined) continue;
      assert.equal(webTransportCodeToHttp3(code), h);
      if (previous !== undefined) assert.equal(code, previous + 1); // adjacent, no gaps
      previous = code;
    }
  }
});
