import { createHash } from 'node:crypto';
import { x509 } from './x509.js';

/** A certificate and its key, ready for TLS and for `serverCertificateHashes`. */
export interface CertificateMaterial {
  /** The leaf first, then any chain certificates, PEM encoded. */
  readonly certPem: string;
  /** The private key as PKCS#8 ('PRIVATE KEY') PEM. */
  readonly keyPem: string;
  /** The leaf certificate's DER bytes: what the hash is taken over. */
  readonly der: Uint8Array;
  /** Lower-case hex SHA-256 of `der`, the value browsers pin with `serverCertificateHashes`. */
  readonly sha256Hex: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Lower-case hex SHA-256 of the given bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Builds the material from a leaf's DER. The dates are read back from the certificate itself,
 * because X.509 stores whole seconds and the requested dates may have been finer.
 */
export function describeCertificate(
  certPem: string,
  leafDer: Uint8Array<ArrayBuffer>,
  keyPem: string,
): CertificateMaterial {
  const leaf = new x509.X509Certificate(leafDer);
  return {
    certPem,
    keyPem,
    der: leafDer,
    sha256Hex: sha256Hex(leafDer),
    notBefore: leaf.notBefore,
    notAfter: leaf.notAfter,
  };
}
