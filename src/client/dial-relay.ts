import { fetchCertificateHash } from './certificate-hash.js';
import type { Dial, DialInit, Dialers, TransportChoice, TransportKind } from './dialers.js';
import { OFFERED_PROTOCOLS } from './protocols.js';
import { RelayClientError } from './relay-client-error.js';
import { parseRelayUrl, webSocketUrl, webTransportUrl } from './relay-url.js';

/** Reaching a relay (either transport, and the MoQ setup) gives up after this long. */
export const CONNECT_TIMEOUT_MS = 10_000;
/**
 * How long QUIC runs alone before WebSocket joins the race: a blocked UDP costs only this, and a
 * busy machine's QUIC handshake (a certificate fetch, then the handshake) still wins within it.
 */
export const QUIC_HEAD_START_MS = 500;

export interface DialRelayOptions {
  transport?: TransportChoice;
  /** Application protocols to offer (default: every version this client speaks). */
  protocols?: readonly string[];
  signal?: AbortSignal;
  timeoutMs?: number;
  headStartMs?: number;
  /**
   * For http:// relay URLs: the certificate's SHA-256 when the caller already has it (the watch
   * page carries it), so no GET /certificate.sha256 comes before the QUIC handshake.
   */
  certificateHash?: Uint8Array<ArrayBuffer>;
  /** How long the relay's HTTP side may take to give its certificate hash (http:// URLs). */
  certificateHashTimeoutMs?: number;
}

export interface DialedRelay<T extends WebTransport> {
  transport: T;
  kind: TransportKind;
}

/** Which transport last won per relay origin: the next connect starts with it. */
const winners = new Map<string, TransportKind>();

/** Forgets the remembered winners (tests, or after the network changed). */
export function forgetTransportWinners(): void {
  winners.clear();
}

/**
 * Opens a transport session to a relay. With `auto` both transports race: QUIC first, WebSocket
 * after a short head start (or at once when QUIC fails), the first ready wins and the other is
 * abandoned. The winner is remembered for the relay's origin and leads the next race.
 */
export async function dialRelay<T extends WebTransport>(
  url: string | URL,
  dialers: Dialers<T>,
  options: DialRelayOptions = {},
): Promise<DialedRelay<T>> {
  const target = parseRelayUrl(url);
  const kinds = raceOrder(options.transport ?? 'auto', winners.get(target.origin), dialers);
  const timeoutMs = options.timeoutMs ?? CONNECT_TIMEOUT_MS;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const protocols = [...(options.protocols ?? OFFERED_PROTOCOLS)];
  const attempt = (kind: TransportKind, attemptSignal: AbortSignal): Promise<T> =>
    kind === 'webtransport'
      ? dialQuic(target, dialers.webTransport as Dial<T>, protocols, attemptSignal, options)
      : (dialers.webSocket as Dial<T>)(webSocketUrl(target), { protocols, signal: attemptSignal });
  try {
    const won = await race(kinds, attempt, signal, options.headStartMs ?? QUIC_HEAD_START_MS);
    winners.set(target.origin, won.kind);
    return won;
  } catch (error) {
    if (options.signal?.aborted) {
      throw new RelayClientError('ABORTED', 'connecting was cancelled', { cause: error });
    }
    if (deadline.aborted) {
      throw new RelayClientError(
        'TIMEOUT',
        `no answer from the relay at ${target.origin} within ${timeoutMs / 1000} s` +
          (error instanceof Error && error.message !== 'aborted' ? ` (${error.message})` : ''),
        { cause: error },
      );
    }
    throw new RelayClientError(
      'UNREACHABLE',
      `cannot reach the relay at ${target.origin}: ${describe(error)}`,
      { cause: error },
    );
  }
}

function raceOrder(
  choice: TransportChoice,
  remembered: TransportKind | undefined,
  dialers: Dialers,
): TransportKind[] {
  const allowed: TransportKind[] = [];
  if (choice !== 'websocket' && dialers.webTransport) allowed.push('webtransport');
  if (choice !== 'quic' && dialers.webSocket) allowed.push('websocket');
  if (allowed.length === 0) {
    throw new RelayClientError(
      'UNREACHABLE',
      `no ${choice === 'auto' ? '' : `${choice} `}transport in this runtime`,
    );
  }
  return remembered === 'websocket' ? allowed.reverse() : allowed;
}

async function dialQuic<T extends WebTransport>(
  target: URL,
  dial: Dial<T>,
  protocols: string[],
  signal: AbortSignal,
  options: DialRelayOptions,
): Promise<T> {
  const init: DialInit = { protocols, signal };
  if (target.protocol === 'http:') {
    const hashOptions =
      options.certificateHashTimeoutMs === undefined
        ? { signal }
        : { signal, timeoutMs: options.certificateHashTimeoutMs };
    const value = options.certificateHash ?? (await fetchCertificateHash(target, hashOptions));
    init.serverCertificateHashes = [{ algorithm: 'sha-256', value }];
  }
  return dial(webTransportUrl(target), init);
}

/**
 * Runs the attempts in order, each after the previous one's head start or failure; resolves with
 * the first success and closes any later one. Rejects when all failed (an AggregateError-like
 * message naming each) or the signal aborted.
 */
function race<T extends WebTransport>(
  kinds: TransportKind[],
  attempt: (kind: TransportKind, signal: AbortSignal) => Promise<T>,
  signal: AbortSignal,
  headStartMs: number,
): Promise<DialedRelay<T>> {
  return new Promise((resolve, reject) => {
    const failures: string[] = [];
    const losers: AbortController[] = [];
    let started = 0;
    let failed = 0;
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (): void => {
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      for (const controller of losers) controller.abort(new Error('another transport won'));
    };
    const onAbort = (): void => {
      if (settled) return;
      finish();
      reject(new Error(failures.join('; ') || 'aborted'));
    };
    const startNext = (): void => {
      clearTimeout(timer);
      const kind = kinds[started];
      if (settled || kind === undefined) return;
      started += 1;
      const controller = new AbortController();
      losers.push(controller);
      attempt(kind, AbortSignal.any([signal, controller.signal])).then(
        (transport) => {
          if (settled) return closeQuietly(transport);
          losers.splice(losers.indexOf(controller), 1);
          finish();
          resolve({ transport, kind });
        },
        (error: unknown) => {
          failures.push(`${kind}: ${describe(error)}`);
          failed += 1;
          if (settled) return;
          if (failed === kinds.length) {
            finish();
            reject(new Error(failures.join('; ')));
            return;
          }
          if (started === failed) startNext();
        },
      );
      if (started < kinds.length) timer = setTimeout(startNext, headStartMs);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    startNext();
  });
}

function closeQuietly(transport: WebTransport): void {
  try {
    transport.close({ closeCode: 0, reason: 'another transport won' });
  } catch {
    // Already closed.
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const inner = error.cause instanceof Error ? error.cause.message : '';
  return inner && !error.message.includes(inner) ? `${error.message}: ${inner}` : error.message;
}
