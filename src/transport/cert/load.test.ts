import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CertificateError, generateCertificate, loadCertificate } from './index.js';
import type { CertificateErrorCode, CertificateMaterial } from './index.js';

let dir: string;
let first: CertificateMaterial;
let second: CertificateMaterial;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'moq-cert-'));
  [first, second] = await Promise.all([generateCertificate({}), generateCertificate({})]);
  await writeFile(join(dir, 'cert.pem'), first.certPem);
  await writeFile(join(dir, 'key.pem'), first.keyPem);
  await writeFile(join(dir, 'other-key.pem'), second.keyPem);
  // A chain file: leaf first, then another certificate standing in for an intermediate.
  await writeFile(join(dir, 'chain.pem'), `${first.certPem}\n${second.certPem}`);
  await writeFile(join(dir, 'garbage.pem'), 'this is not a certificate\n');
  await writeFile(
    join(dir, 'broken.pem'),
    '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
  );
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function rejectsWith(code: CertificateErrorCode, path: string) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof CertificateError, `expected CertificateError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.ok(error.message.includes(path), `message should name ${path}: ${error.message}`);
    return true;
  };
}

test('loadCertificate: reads the PEM pair and hashes the leaf', async () => {
  const loaded = await loadCertificate(join(dir, 'cert.pem'), join(dir, 'key.pem'));
  assert.equal(loaded.sha256Hex, first.sha256Hex);
  assert.deepEqual(loaded.der, first.der);
  assert.equal(loaded.notAfter.getTime(), first.notAfter.getTime());
  assert.match(loaded.keyPem, /^-----BEGIN PRIVATE KEY-----/);
});

test('loadCertificate: the first certificate of a chain is the leaf; the chain is kept', async () => {
  const loaded = await loadCertificate(join(dir, 'chain.pem'), join(dir, 'key.pem'));
  assert.equal(loaded.sha256Hex, first.sha256Hex);
  const blocks = loaded.certPem.match(/-----BEGIN CERTIFICATE-----/g) ?? [];
  assert.equal(blocks.length, 2);
  assert.equal(
    new X509Certificate(loaded.certPem).fingerprint256,
    new X509Certificate(first.certPem).fingerprint256,
  );
});

test('loadCertificate: a missing certificate or key file is CERT_NOT_FOUND / KEY_NOT_FOUND', async () => {
  const missing = join(dir, 'nope.pem');
  await assert.rejects(
    loadCertificate(missing, join(dir, 'key.pem')),
    rejectsWith('CERT_NOT_FOUND', missing),
  );
  await assert.rejects(
    loadCertificate(join(dir, 'cert.pem'), missing),
    rejectsWith('KEY_NOT_FOUND', missing),
  );
});

test('loadCertificate: garbage or undecodable certificates are CERT_INVALID', async () => {
  const garbage = join(dir, 'garbage.pem');
  const broken = join(dir, 'broken.pem');
  await assert.rejects(
    loadCertificate(garbage, join(dir, 'key.pem')),
    rejectsWith('CERT_INVALID', garbage),
  );
  await assert.rejects(
    loadCertificate(broken, join(dir, 'key.pem')),
    rejectsWith('CERT_INVALID', broken),
  );
});

test('loadCertificate: a garbage key file is KEY_INVALID', async () => {
  const garbage = join(dir, 'garbage.pem');
  await assert.rejects(
    loadCertificate(join(dir, 'cert.pem'), garbage),
    rejectsWith('KEY_INVALID', garbage),
  );
});

test('loadCertificate: a key of another certificate is KEY_MISMATCH', async () => {
  const other = join(dir, 'other-key.pem');
  await assert.rejects(
    loadCertificate(join(dir, 'cert.pem'), other),
    rejectsWith('KEY_MISMATCH', other),
  );
});
