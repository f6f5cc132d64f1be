import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { QuicError } from './quic-error.js';
import {
  QUIC_CC_ENV,
  QUIC_PACING_ENV,
  createQuicheConfig,
  defaultCongestionControl,
  pacingFor,
} from './quic-options.js';

const saved = { cc: process.env[QUIC_CC_ENV], pacing: process.env[QUIC_PACING_ENV] };
afterEach(() => {
  for (const [key, value] of [
    [QUIC_CC_ENV, saved.cc],
    [QUIC_PACING_ENV, saved.pacing],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

test('CUBIC is the default, paced at 1.25 × cwnd / RTT', () => {
  delete process.env[QUIC_CC_ENV];
  delete process.env[QUIC_PACING_ENV];
  assert.equal(defaultCongestionControl(), 'cubic');
  assert.deepEqual(pacingFor(), { gain: 1.25 });
  assert.deepEqual(pacingFor({ congestionControl: 'bbr' }), { gain: 1 });
});

test('MOQ_QUIC_CC picks the controller where the code does not', () => {
  process.env[QUIC_CC_ENV] = 'bbr';
  assert.equal(defaultCongestionControl(), 'bbr');
  assert.deepEqual(pacingFor(), { gain: 1 });
  assert.deepEqual(pacingFor({ congestionControl: 'cubic' }), { gain: 1.25 });
  createQuicheConfig({ alpn: ['x'] }, undefined, false);
});

test('a MOQ_QUIC_CC quiche does not know is a CONFIG error naming the choices', () => {
  process.env[QUIC_CC_ENV] = 'vegas';
  assert.throws(
    () => createQuicheConfig({ alpn: ['x'] }, undefined, false),
    (error: unknown) =>
      error instanceof QuicError &&
      error.code === 'CONFIG' &&
      /cubic, bbr, reno/.test(error.message),
  );
  // A connection that names its controller does not read the variable.
  createQuicheConfig({ alpn: ['x'], congestionControl: 'reno' }, undefined, false);
});

test('MOQ_QUIC_PACING=0 turns pacing off whatever the controller', () => {
  process.env[QUIC_PACING_ENV] = '0';
  assert.equal(pacingFor(), false);
  assert.equal(pacingFor({ congestionControl: 'bbr' }), false);
});
