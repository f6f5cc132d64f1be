import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  FrameType,
  H3ErrorCode,
  Setting,
  StreamType,
  clientSettings,
  decodeSettings,
  encodeFrame,
  encodeSettings,
  serverSettings,
} from './index.js';
import { fromHex, h3Error, onlyH3Errors, toHex } from './test-support.js';

test('serverSettings: control stream bytes match those verified with Chromium 156 (notes §4)', () => {
  const control = [
    Uint8Array.of(StreamType.CONTROL),
    encodeFrame(FrameType.SETTINGS, encodeSettings(serverSettings())),
  ];
  assert.equal(
    control.map(toHex).join(''),
    '00' + '0416' + '0100' + '0700' + '0801' + '3301' + 'ab60374201' + 'c0000000c671706a10',
  );
  assert.deepEqual(clientSettings(), serverSettings());
  assert.equal(serverSettings().has(Setting.WT_MAX_SESSIONS), false);
});

test('decodeSettings: Chromium SETTINGS with a GREASE id keeps every entry', () => {
  const grease = 0x1f * 0x0badcafe + 0x21;
  const chromium = new Map([
    [0x1, 65536],
    [0x6, 16384],
    [0x7, 100],
    [0x33, 1],
    [0xffd277, 1],
    [0x2b603742, 1],
    [grease, 77],
  ]);
  assert.deepEqual(decodeSettings(encodeSettings(chromium)), chromium);
  assert.deepEqual(decodeSettings(new Uint8Array()), new Map());
});

test('decodeSettings: values up to 2^62-1 survive (rounded); ids beyond 2^53 are dropped', () => {
  const decoded = decodeSettings(fromHex('06 ffffffffffffffff ffffffffffffffff 05 33 01'));
  assert.equal(decoded.get(Setting.MAX_FIELD_SECTION_SIZE), 2 ** 62);
  assert.deepEqual([...decoded.keys()], [Setting.MAX_FIELD_SECTION_SIZE, Setting.H3_DATAGRAM]);
});

test('decodeSettings: errors carry the RFC 9114 §7.2.4 codes', () => {
  assert.throws(() => decodeSettings(fromHex('0100 0101')), h3Error(H3ErrorCode.SETTINGS_ERROR));
  for (const reserved of ['00', '02', '03', '04', '05']) {
    assert.throws(
      () => decodeSettings(fromHex(`${reserved}00`)),
      h3Error(H3ErrorCode.SETTINGS_ERROR),
    );
  }
  assert.throws(() => decodeSettings(fromHex('3302')), h3Error(H3ErrorCode.SETTINGS_ERROR));
  assert.throws(() => decodeSettings(fromHex('01')), h3Error(H3ErrorCode.FRAME_ERROR));
  assert.throws(() => decodeSettings(fromHex('0140')), h3Error(H3ErrorCode.FRAME_ERROR));
  assert.throws(() => encodeSettings(new Map([[0x2, 0]])), RangeError);
});

test('settings round-trip for arbitrary distinct non-reserved ids', () => {
  const id = fc.maxSafeNat().filter((n) => n === 1 || n > 5);
  fc.assert(
    fc.property(fc.uniqueArray(id, { maxLength: 10 }), fc.array(fc.nat()), (ids, values) => {
      const settings = new Map(ids.map((n, i) => [n, values[i] ?? 0]));
      for (const flag of [Setting.H3_DATAGRAM, Setting.H3_DATAGRAM_DRAFT04]) {
        if (settings.has(flag)) settings.set(flag, 1);
      }
      if (settings.has(Setting.ENABLE_CONNECT_PROTOCOL)) {
        settings.set(Setting.ENABLE_CONNECT_PROTOCOL, 0);
      }
      assert.deepEqual(decodeSettings(encodeSettings(settings)), settings);
    }),
  );
});

test('decodeSettings fuzz: random payloads throw only H3Error', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 48 }), (bytes) => {
      onlyH3Errors(() => decodeSettings(bytes));
    }),
    { numRuns: 2000 },
  );
});
