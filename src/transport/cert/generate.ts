import { isIP } from 'node:net';
import { CertificateError } from './certificate-error.js';
import { describeCertificate, type CertificateMaterial } from './certificate-material.js';
import { x509 } from './x509.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Chromium refuses `serverCertificateHashes` certificates whose validity spans more than this. */
export const MAX_VALIDITY_MS = 14 * DAY_MS;
export const DEFAULT_VALIDITY_MS = 10 * DAY_MS;
/** Names every generated certificate covers, so local development works without options. */
export const DEFAULT_HOSTNAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

// Back-dating notBefore tolerates a peer whose clock runs slightly behind ours.
const BACKDATE_MS = 60 * 1000;
const DNS_NAME =
  /^(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

export interface GenerateCertificateOptions {
  /** Extra names besides localhost, 127.0.0.1 and ::1: IPs become IP SANs, the rest DNS SANs. */
  hostnames?: readonly string[];
  /** From now until notAfter; default 10 days, at most 14 days. */
  validityMs?: number;
}

/** Makes a fresh ECDSA P-256 key and a self-signed certificate Chromium accepts by hash. */
export async function generateCertificate(
  options: GenerateCertificateOptions = {},
): Promise<CertificateMaterial> {
  const validityMs = checkValidity(options.validityMs ?? DEFAULT_VALIDITY_MS);
  const names = subjectAltNames(options.hostnames ?? []);
  const { notBefore, notAfter } = validityWindow(Date.now(), validityMs);
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=MoQ Studio self-signed',
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
    ],
  });
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', keys.privateKey);
  const keyPem = x509.PemConverter.encode(pkcs8, 'PRIVATE KEY');
  return describeCertificate(cert.toString('pem'), new Uint8Array(cert.rawData), keyPem);
}

function checkValidity(validityMs: number): number {
  if (!Number.isFinite(validityMs) || validityMs <= 0) {
    throw new CertificateError('INVALID_OPTIONS', `validityMs must be positive, got ${validityMs}`);
  }
  if (validityMs > MAX_VALIDITY_MS) {
    throw new CertificateError(
      'VALIDITY_TOO_LONG',
      `validityMs ${validityMs} exceeds 14 days, the most Chromium accepts for serverCertificateHashes`,
    );
  }
  return validityMs;
}

/**
 * X.509 keeps whole seconds, so both ends are floored (notBefore never lands in the future) and
 * notAfter is capped so the span never exceeds Chromium's 14 days. The back-dating shrinks when
 * the validity already uses the whole span.
 */
function validityWindow(now: number, validityMs: number): { notBefore: Date; notAfter: Date } {
  const backdate = Math.min(BACKDATE_MS, MAX_VALIDITY_MS - validityMs);
  const notBefore = floorToSecond(now - backdate);
  const notAfter = Math.min(floorToSecond(now + validityMs), notBefore + MAX_VALIDITY_MS);
  return { notBefore: new Date(notBefore), notAfter: new Date(notAfter) };
}

function floorToSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

function subjectAltNames(extra: readonly string[]): x509.JsonGeneralNames {
  const unique = [...new Set([...DEFAULT_HOSTNAMES, ...extra.map((n) => n.trim())])];
  return unique.map((name) => {
    if (isIP(name) !== 0) return { type: 'ip', value: name };
    if (!DNS_NAME.test(name)) {
      throw new CertificateError(
        'INVALID_OPTIONS',
        `hostname ${JSON.stringify(name)} is not a DNS name or IP address`,
      );
    }
    return { type: 'dns', value: name.toLowerCase() };
  });
}
