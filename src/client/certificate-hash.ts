import { RelayClientError } from './relay-client-error.js';

const CERTIFICATE_PATH = '/certificate.sha256';

/**
 * How long the relay's HTTP side may take to give the certificate hash. It is one small GET on
 * the relay's own port: a relay that accepts and then says nothing for this long is not going to
 * run a session either, and waiting out the whole connect timeout only hides why.
 */
export const CERTIFICATE_HASH_TIMEOUT_MS = 5_000;

export interface CertificateHashOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * The relay's certificate hash for `serverCertificateHashes`: GET /certificate.sha256 over plain
 * HTTP returns the hex SHA-256 of the certificate the relay serves over QUIC. Failures are
 * RelayClientErrors: TIMEOUT (no answer within `timeoutMs`), ABORTED (the caller's signal),
 * UNREACHABLE (refused, an HTTP error, or not a digest).
 */
export async function fetchCertificateHash(
  target: URL,
  options: CertificateHashOptions = {},
): Promise<Uint8Array<ArrayBuffer>> {
  const where = new URL(CERTIFICATE_PATH, target);
  const timeoutMs = options.timeoutMs ?? CERTIFICATE_HASH_TIMEOUT_MS;
  // A timer of our own, not AbortSignal.timeout: that one does not keep Node's event loop
  // alive, and a fetch stuck on a silent socket may not either, so a CLI would just exit (13).
  const expiry = new AbortController();
  const deadline = expiry.signal;
  const timer = setTimeout(() => expiry.abort(new Error('timed out')), timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  let text: string;
  try {
    const response = await fetch(where, { signal, cache: 'no-store' });
    if (!response.ok) {
      throw new RelayClientError('UNREACHABLE', `${where.href} answered HTTP ${response.status}`);
    }
    text = (await response.text()).trim();
  } catch (error) {
    if (error instanceof RelayClientError) throw error;
    if (options.signal?.aborted) {
      throw new RelayClientError('ABORTED', 'connecting was cancelled', { cause: error });
    }
    if (deadline.aborted) {
      throw new RelayClientError(
        'TIMEOUT',
        `no certificate hash from ${where.href} within ${timeoutMs / 1000} s`,
        { cause: error },
      );
    }
    throw new RelayClientError(
      'UNREACHABLE',
      `no certificate hash from ${where.href}: ${why(error)}`,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
  const bytes = certificateHashFromHex(text);
  if (!bytes) {
    throw new RelayClientError('UNREACHABLE', `${where.href} is not a SHA-256 hex digest`);
  }
  return bytes;
}

/** The 32 bytes of a hex SHA-256 digest (as /certificate.sha256 and the watch page carry it). */
export function certificateHashFromHex(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[0-9a-f]{64}$/i.test(text)) return undefined;
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** fetch's own message is "fetch failed"; the reason (ECONNREFUSED…) is its cause. */
function why(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  if (typeof cause?.code === 'string') return cause.code;
  return typeof cause?.message === 'string' ? cause.message : error.message;
}
