import assert from 'node:assert/strict';
import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import { test } from 'node:test';
import { CertificateError, MAX_VALIDITY_MS, generateCertificate } from './index.js';

/** Node prints IPv6 SANs expanded; compare them in that form. */
function sanEntries(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '').split(',').map((s) => s.trim());
}

test('generated certificate: EC P-256, ≤ 14 days, default and given SANs, hash of the DER', async () => {
  const material = await generateCertificate({ hostnames: ['relay.example.com', '10.1.2.3'] });
  const cert = new X509Certificate(material.certPem);

  assert.equal(cert.publicKey.asymmetricKeyType, 'ec');
  assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  const span = new Date(cert.validTo).getTime() - new Date(cert.validFrom).getTime();
  assert.ok(span <= MAX_VALIDITY_MS, `validity span ${span} ms exceeds 14 days`);
  assert.ok(new Date(cert.validFrom).getTime() <= Date.now() - 30_000, 'notBefore is back-dated');
  assert.equal(material.notBefore.getTime(), new Date(cert.validFrom).getTime());
  assert.equal(material.notAfter.getTime(), new Date(cert.validTo).getTime());

  const sans = sanEntries(cert);
  for (const expected of [
    'DNS:localhost',
    'IP Address:127.0.0.1',
    'IP Address:0:0:0:0:0:0:0:1',
    'DNS:relay.example.com',
    'IP Address:10.1.2.3',
  ]) {
    assert.ok(sans.includes(expected), `${expected} missing from ${cert.subjectAltName}`);
  }

  assert.match(material.sha256Hex, /^[0-9a-f]{64}$/);
  assert.equal(material.sha256Hex, createHash('sha256').update(cert.raw).digest('hex'));
  assert.deepEqual(Buffer.from(material.der), cert.raw);

  assert.match(material.keyPem, /^-----BEGIN PRIVATE KEY-----/);
  assert.ok(cert.checkPrivateKey(createPrivateKey(material.keyPem)));
});

test('generated certificate: default validity is 10 days', async () => {
  const material = await generateCertificate({});
  const fromNow = material.notAfter.getTime() - Date.now();
  assert.ok(Math.abs(fromNow - 10 * 24 * 3600 * 1000) < 5000, `notAfter ${fromNow} ms from now`);
});

test('generated certificate: exactly 14 days still fits Chromium’s span', async () => {
  const material = await generateCertificate({ validityMs: MAX_VALIDITY_MS });
  const span = material.notAfter.getTime() - material.notBefore.getTime();
  assert.ok(span <= MAX_VALIDITY_MS);
  assert.ok(material.notBefore.getTime() <= Date.now());
});

test('generated certificate: bad options are typed errors', async () => {
  await assert.rejects(
    generateCertificate({ validityMs: MAX_VALIDITY_MS + 1 }),
    (e: unknown) => e instanceof CertificateError && e.code === 'VALIDITY_TOO_LONG',
  );
  await assert.rejects(
    generateCertificate({ validityMs: 0 }),
    (e: unknown) => e instanceof CertificateError && e.code === 'INVALID_OPTIONS',
  );
  await assert.rejects(
    generateCertificate({ hostnames: ['bad name/with slash'] }),
    (e: unknown) => e instanceof CertificateError && e.code === 'INVALID_OPTIONS',
  );
});

test('generated certificates: every call makes a fresh key', async () => {
  const [a, b] = await Promise.all([generateCertificate({}), generateCertificate({})]);
  assert.notEqual(a.sha256Hex, b.sha256Hex);
  assert.notEqual(a.keyPem, b.keyPem);
});
