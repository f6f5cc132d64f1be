import type { CertificateStore } from '../cert/index.js';
import type { RouteHandler } from './router.js';

/** Where browsers (and moq-dev tools) fetch the hash for `serverCertificateHashes`. */
export const CERTIFICATE_HASH_PATH = '/certificate.sha256';

/**
 * Serves the current certificate's hex SHA-256, read on every request so a rotation shows at
 * once. Any origin may read it (a watch page is usually served from elsewhere) and nothing may
 * cache it (the value changes when the certificate rotates).
 */
export function certificateHashRoute(certificates: CertificateStore): RouteHandler {
  return (_req, res) => {
    const body = certificates.current().sha256Hex;
    res.writeHead(200, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'Access-Control-Allow-Origin': '*',
      'Cache-Control': 'no-store',
    });
    res.end(body);
  };
}
