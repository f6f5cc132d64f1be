import { setTimeout as sleep } from 'node:timers/promises';
import { MoqError, MoqSession, SessionCloseCode, codeName, type CodeTable } from '../moq/index.js';
import { RELAY_PROTOCOLS } from '../relay/index.js';
import { connect, type TransportChoice, type TransportSession } from '../transport/index.js';
import { CliError, describeError } from './cli-error.js';

/** How long reaching the relay and the MoQ setup may take before we call it unreachable. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** How long messages and the close get to reach the relay before the next step (exit). */
const CLOSE_FLUSH_MS = 150;

export interface RelaySession {
  session: MoqSession;
  transport: TransportSession;
}

/** Connects to a relay by the URL convention and runs the MoQ setup; failures are CliErrors. */
export async function openRelaySession(
  url: URL,
  transport: TransportChoice,
): Promise<RelaySession> {
  const signal = AbortSignal.timeout(CONNECT_TIMEOUT_MS);
  let opened: TransportSession;
  try {
    opened = await connect(url, { protocols: RELAY_PROTOCOLS, transport, signal });
  } catch (error) {
    throw unreachable(url, error, signal);
  }
  try {
    // Not given `signal`: a session option signal would close the session when it fires.
    const session = await withTimeout(MoqSession.connect(opened), signal);
    return { session, transport: opened };
  } catch (error) {
    opened.close({ closeCode: 0, reason: 'setup failed' });
    if (error instanceof MoqError) {
      throw new CliError(
        'REFUSED',
        `the relay refused the session: ${moqErrorText(error, SessionCloseCode)}`,
      );
    }
    throw unreachable(url, error, signal);
  }
}

/**
 * Closes cleanly and lets the last control messages and the close itself reach the relay:
 * MoqSession.close() does not flush, and exiting at once would leave the relay holding a dead
 * session until its idle timeout.
 */
export async function closeRelaySession({ session, transport }: RelaySession): Promise<void> {
  if (!session.isClosed) await sleep(CLOSE_FLUSH_MS);
  session.close();
  await transport.closed.catch(() => undefined);
  await sleep(CLOSE_FLUSH_MS);
}

function unreachable(url: URL, error: unknown, signal: AbortSignal): CliError {
  const why = signal.aborted
    ? `no answer within ${CONNECT_TIMEOUT_MS / 1000} s`
    : describeError(error);
  return new CliError('UNREACHABLE', `cannot reach the relay at ${url.href}: ${why}`, {
    cause: error,
  });
}

function withTimeout<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Error('timed out'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** `NAME (0xCODE): reason` for a MoqError, its message for anything else. */
export function moqErrorText(error: unknown, table: CodeTable): string {
  if (!(error instanceof MoqError)) return describeError(error);
  const reason = error.reason || 'no reason given';
  return `${codeName(table, error.code)} (0x${error.code.toString(16)}): ${reason}`;
}

/** Resolves with the signal's name on the first SIGINT or SIGTERM. */
export function onStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handler = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      resolve(signal);
    };
    process.once('SIGINT', handler);
    process.once('SIGTERM', handler);
  });
}
