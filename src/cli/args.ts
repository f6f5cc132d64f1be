import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './cli-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs, strict, with its errors (unknown flag, missing value, stray positional)
 * turned into USAGE CliErrors that read as one line.
 */
export function parseFlags<T extends Options>(
  argv: readonly string[],
  options: T,
): ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: false }>>['values'] {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // parseArgs adds a hint about '--' that only confuses people here.
    throw new CliError('USAGE', message.replace(/\s*To specify a positional argument.*$/s, ''));
  }
}

/** A whole number in [min, max], named by its flag in the error. */
export function parseCount(
  flag: string,
  text: string,
  min = 1,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (!/^\d+$/.test(text.trim())) {
    throw new CliError('USAGE', `--${flag} must be a whole number, got '${text}'`);
  }
  const value = Number(text.trim());
  if (value < min || value > max) {
    throw new CliError('USAGE', `--${flag} must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  kib: 2 ** 10,
  m: 1e6,
  mb: 1e6,
  mib: 2 ** 20,
  g: 1e9,
  gb: 1e9,
  gib: 2 ** 30,
};

/** A byte count: `65536`, `64KiB`, `64MiB`, `1.5GB` (KB/MB/GB decimal, KiB/MiB/GiB binary). */
export function parseSize(flag: string, text: string, min = 1): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = SIZE_UNITS[(match?.[2] ?? '').toLowerCase()];
  if (!match || unit === undefined) {
    throw new CliError(
      'USAGE',
      `--${flag} must be a size like 65536, 512KiB or 64MiB, got '${text}'`,
    );
  }
  const value = Math.round(Number(match[1]) * unit);
  if (value < min || !Number.isSafeInteger(value)) {
    throw new CliError('USAGE', `--${flag} must be at least ${min} bytes, got '${text}'`);
  }
  return value;
}

/** One of a fixed set of words. */
export function parseChoice<T extends string>(
  flag: string,
  text: string,
  choices: readonly T[],
): T {
  const found = choices.find((choice) => choice === text);
  if (found === undefined) {
    throw new CliError('USAGE', `--${flag} must be one of ${choices.join(', ')}, got '${text}'`);
  }
  return found;
}
