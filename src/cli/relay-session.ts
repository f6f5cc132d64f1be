import {
  displayUrl,
  connectRelay,
  RelayClientError,
  type RelayConnection,
  type TransportChoice,
} from '../client/index.js';
import { MoqError, SessionCloseCode, codeName, type CodeTable } from '../moq/index.js';
import { nodeDialers, type TransportSession } from '../transport/index.js';
import { CliError, describeError } from './cli-error.js';

/** A CLI's session to its relay. */
export type RelaySession = RelayConnection<TransportSession>;

/** Connects to a relay by the URL convention and runs the MoQ setup; failures are CliErrors. */
export async function openRelaySession(
  url: URL,
  transport: TransportChoice,
  protocols?: readonly string[],
): Promise<RelaySession> {
  try {
    return await connectRelay(url, nodeDialers, { transport, ...(protocols ? { protocols } : {}) });
  } catch (error) {
    throw cliErrorFor(url, error);
  }
}

/** Ends the session once it has flushed, so the CLI may exit right after. */
export async function closeRelaySession(connection: RelaySession): Promise<void> {
  await connection.close();
}

function cliErrorFor(url: URL, error: unknown): CliError {
  if (!(error instanceof RelayClientError)) {
    return new CliError(
      'UNREACHABLE',
      `cannot reach the relay at ${displayUrl(url)}: ${describeError(error)}`,
      {
        cause: error,
      },
    );
  }
  switch (error.code) {
    case 'BAD_URL':
      return new CliError('USAGE', error.message, { cause: error });
    case 'REFUSED': {
      const text =
        error.cause instanceof MoqError
          ? moqErrorText(error.cause, SessionCloseCode)
          : error.message;
      return new CliError('REFUSED', `the relay refused the session: ${text}`, { cause: error });
    }
    default:
      return new CliError('UNREACHABLE', error.message, { cause: error });
  }
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
