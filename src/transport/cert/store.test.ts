import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CertificateError, CertificateStore, generateCertificate } from './index.js';
import type { CertificateMaterial } from './index.js';
import { MAX_TIMER_DELAY_MS, setLongTimeout } from './long-timeout.js';

/** The store's timers are unref'd on purpose; a test waiting on them must hold the loop open. */
function keepAlive(ms: number): () => void {
  const timer = setTimeout(() => undefined, ms);
  return () => clearTimeout(timer);
}

test('CertificateStore: a generated certificate rotates before expiry and tells listeners', async () => {
  const release = keepAlive(10_000);
  const store = await CertificateStore.create({ validityMs: 3000, rotateBeforeMs: 2000 });
  try {
    const before = store.current();
    assert.equal(store.source, 'generated');
    const next = await new Promise<CertificateMaterial>((resolve) => store.onRotate(resolve));
    assert.notEqual(next.sha256Hex, before.sha256Hex);
    assert.equal(store.current().sha256Hex, next.sha256Hex);
    assert.notEqual(next.keyPem, before.keyPem, 'rotation makes a fresh keypair');
  } finally {
    store.close();
    store.close();
    release();
  }
});

test('CertificateStore: unsubscribed or closed listeners hear nothing', async () => {
  const store = await CertificateStore.create({});
  let calls = 0;
  const off = store.onRotate(() => calls++);
  await store.reload();
  off();
  await store.reload();
  assert.equal(calls, 1);
  store.close();
});

test('CertificateStore: a throwing listener does not stop the others', async () => {
  const store = await CertificateStore.create({});
  const warnings: string[] = [];
  const onWarning = (w: Error): void => void warnings.push(w.message);
  process.on('warning', onWarning);
  try {
    let heard = false;
    store.onRotate(() => {
      throw new Error('listener bug');
    });
    store.onRotate(() => (heard = true));
    await store.reload();
    assert.ok(heard);
    await new Promise((r) => setImmediate(r));
    assert.ok(warnings.some((w) => w.includes('listener bug')));
  } finally {
    process.off('warning', onWarning);
    store.close();
  }
});

test('CertificateStore: given files never rotate on their own; reload() re-reads them', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'moq-store-'));
  try {
    const [a, b] = await Promise.all([generateCertificate({}), generateCertificate({})]);
    const certPath = join(dir, 'cert.pem');
    const keyPath = join(dir, 'key.pem');
    await writeFile(certPath, a.certPem);
    await writeFile(keyPath, a.keyPem);
    const store = await CertificateStore.create({ certPath, keyPath, rotateBeforeMs: 1 });
    assert.equal(store.source, 'files');
    assert.equal(store.current().sha256Hex, a.sha256Hex);
    const rotated: string[] = [];
    store.onRotate((next) => rotated.push(next.sha256Hex));
    await writeFile(certPath, b.certPem);
    await writeFile(keyPath, b.keyPem);
    await store.reload();
    assert.deepEqual(rotated, [b.sha256Hex]);
    store.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('CertificateStore: inconsistent options are INVALID_OPTIONS', async () => {
  const invalid = (e: unknown) => e instanceof CertificateError && e.code === 'INVALID_OPTIONS';
  await assert.rejects(CertificateStore.create({ certPath: '/tmp/x.pem' }), invalid);
  await assert.rejects(
    CertificateStore.create({ validityMs: 3000, rotateBeforeMs: 3000 }),
    invalid,
  );
});

test('setLongTimeout: delays beyond 2^31-1 ms wait instead of firing at once', async () => {
  let fired = false;
  const hold = keepAlive(1000);
  const cancel = setLongTimeout(() => (fired = true), MAX_TIMER_DELAY_MS * 2);
  await new Promise((r) => setTimeout(r, 20));
  hold();
  assert.equal(fired, false);
  cancel();
  cancel();
  const release = keepAlive(1000);
  const done = await new Promise<boolean>((resolve) => {
    setLongTimeout(() => resolve(true), 5);
  });
  release();
  assert.ok(done);
});
