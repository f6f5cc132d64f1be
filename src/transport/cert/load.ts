import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { CertificateError, type CertificateErrorCode } from './certificate-error.js';
import { describeCertificate, type CertificateMaterial } from './certificate-material.js';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Reads `--tls-cert` / `--tls-key` files. The first certificate of a chain file is the leaf (the
 * one hashed and checked against the key); the whole chain stays in `certPem` for TLS.
 */
export async function loadCertificate(
  certPath: string,
  keyPath: string,
): Promise<CertificateMaterial> {
  const certText = await readText(certPath, 'CERT_NOT_FOUND', 'certificate');
  const keyText = await readText(keyPath, 'KEY_NOT_FOUND', 'private key');
  const chain = parseChain(certText, certPath);
  const key = parseKey(keyText, keyPath);
  const leaf = chain[0] as X509Certificate;
  if (!leaf.checkPrivateKey(key)) {
    throw new CertificateError(
      'KEY_MISMATCH',
      `private key ${keyPath} does not belong to the certificate in ${certPath}`,
    );
  }
  const certPem = chain.map((c) => c.toString().trim()).join('\n') + '\n';
  const keyPem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
  return describeCertificate(certPem, new Uint8Array(leaf.raw), keyPem);
}

/** The same checks as `loadCertificate`, on PEM text already in memory (sent by a parent). */
export function certificateFromPem(certPem: string, keyPem: string): CertificateMaterial {
  const chain = parseChain(certPem, 'the certificate');
  const key = parseKey(keyPem, 'the key');
  const leaf = chain[0] as X509Certificate;
  if (!leaf.checkPrivateKey(key)) {
    throw new CertificateError(
      'KEY_MISMATCH',
      'the private key does not belong to the certificate',
    );
  }
  return describeCertificate(certPem, new Uint8Array(leaf.raw), keyPem);
}

async function readText(
  path: string,
  missingCode: CertificateErrorCode,
  what: string,
): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? String(cause);
    throw new CertificateError(missingCode, `cannot read ${what} file ${path} (${reason})`, {
      cause,
    });
  }
}

function parseChain(text: string, path: string): X509Certificate[] {
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) {
    throw new CertificateError('CERT_INVALID', `${path} contains no PEM certificate`);
  }
  return blocks.map((block, index) => {
    try {
      return new X509Certificate(block);
    } catch (cause) {
      throw new CertificateError(
        'CERT_INVALID',
        `certificate #${index + 1} in ${path} cannot be parsed`,
        { cause },
      );
    }
  });
}

function parseKey(text: string, path: string): KeyObject {
  try {
    return createPrivateKey(text);
  } catch (cause) {
    // Encrypted keys land here too: there is no passphrase option on purpose (a server restarts
    // unattended), so the message says what to do.
    throw new CertificateError('KEY_INVALID', `${path} is not an unencrypted PEM private key`, {
      cause,
    });
  }
}
