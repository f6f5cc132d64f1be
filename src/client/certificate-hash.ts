const CERTIFICATE_PATH = '/certificate.sha256';

/**
 * The relay's certificate hash for `serverCertificateHashes`: GET /certificate.sha256 over plain
 * HTTP returns the hex SHA-256 of the certificate the relay serves over QUIC.
 */
export async function fetchCertificateHash(
  target: URL,
  signal?: AbortSignal,
): Promise<Uint8Array<ArrayBuffer>> {
  const where = new URL(CERTIFICATE_PATH, target);
  const response = await fetch(where, { signal, cache: 'no-store' });
  if (!response.ok) throw new Error(`${where.href}: HTTP ${response.status}`);
  const text = (await response.text()).trim();
  if (!/^[0-9a-f]{64}$/i.test(text)) throw new Error(`${where.href} is not a SHA-256 hex digest`);
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}
