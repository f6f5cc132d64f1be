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
  const bytes = certificateHashFromHex((await response.text()).trim());
  if (!bytes) throw new Error(`${where.href} is not a SHA-256 hex digest`);
  return bytes;
}

/** The 32 bytes of a hex SHA-256 digest (as /certificate.sha256 and the watch page carry it). */
export function certificateHashFromHex(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[0-9a-f]{64}$/i.test(text)) return undefined;
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}
