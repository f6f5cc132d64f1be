import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
// The error class alone: the quic folder's index loads quiche's native binding, which CLIs such
// as moq-token never need.
import { QuicError } from '../transport/quic/quic-error.js';
import { CliError, ExitCode, describeError } from './cli-error.js';

/** The version in the repository's package.json. */
export function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  const parsed = JSON.parse(text) as { version?: unknown };
  return typeof parsed.version === 'string' ? parsed.version : 'unknown';
}

/**
 * Runs a CLI's main and exits with its code. A CliError is one line on stderr (plus the usage
 * for bad flags); anything else is a bug, so its stack is shown. The process exits explicitly
 * because sockets and timers of a closed session may still hold the event loop for a while.
 */
export async function runCli(
  program: string,
  usage: string,
  main: () => Promise<number>,
): Promise<never> {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // The reader went away (`moq-clock … | head -3`, a player closed): it had what it wanted.
    if (error.code === 'EPIPE') process.exit(ExitCode.OK);
    process.stderr.write(`${program}: cannot write standard output: ${describeError(error)}\n`);
    process.exit(ExitCode.INTERNAL);
  });
  let code: number;
  try {
    code = await main();
  } catch (error) {
    code = report(program, usage, error);
  }
  process.exit(code);
}

function report(program: string, usage: string, error: unknown): number {
  if (error instanceof CliError) {
    process.stderr.write(`${program}: ${error.message}\n`);
    if (error.showUsage) process.stderr.write(`${shortUsage(program, usage)}\n`);
    return error.exitCode;
  }
  // A setting from the environment the QUIC layer refuses (MOQ_QUIC_CC=…): the user's to fix.
  if (error instanceof QuicError && error.code === 'CONFIG') {
    process.stderr.write(`${program}: ${error.message}\n`);
    return ExitCode.USAGE;
  }
  process.stderr.write(`${program}: unexpected error: ${describeError(error)}\n`);
  if (error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return ExitCode.INTERNAL;
}

/** True when this module file is the one node was started with (not imported by a launcher). */
export function isEntryPoint(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return moduleUrl === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

/** The usage's first line and a pointer to --help: enough after a flag error, not a wall. */
function shortUsage(program: string, usage: string): string {
  const first = usage.split('\n', 1)[0] ?? `Usage: ${program}`;
  return `${first}\nRun '${program} --help' for the options.`;
}
