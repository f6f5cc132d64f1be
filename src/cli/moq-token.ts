import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import {
  AuthError,
  GENERATED_ALGORITHMS,
  KeySet,
  generateKey,
  permissionsAt,
  readKeyFile,
  signToken,
  verifyToken,
  type RelayJwk,
} from '../relay/index.js';
import { parseChoice, parseFlags } from './args.js';
import { CliError, ExitCode } from './cli-error.js';
import { isEntryPoint, packageVersion, runCli } from './run.js';

export const usage = `Usage: moq-token generate|sign|verify [options]

Keys and tokens for moq-relay --auth-key (the claims of moq-dev's moq-token: root, put, get).

  moq-token generate [--algorithm HS256|ES256|EdDSA] [--kid ID] --out KEY.jwk [--public-out PUB.jwk]
      a new key (default HS256, a random kid). KEY.jwk is written owner-only (0600); for ES256
      and EdDSA, --public-out writes the public half, which is all a relay needs.
  moq-token sign --key KEY.jwk [--root PATH] [--put PREFIX]... [--get PREFIX]... [--expires 1h]
                 [--cluster]
      prints a token. --put/--get are prefixes below --root (repeatable; '' = everything below
      it; leave one out and the token cannot do that). --expires takes 30s, 15m, 1h, 7d
      (default: never). --cluster marks a relay-to-relay token (everything, both ways).
  moq-token verify --key KEY.jwk [--path /demo] < TOKEN
      checks a token (signature, expiry, kid) and prints its claims and what it grants at --path.

Options: -h, --help; -V, --version.
Clients send the token as ?jwt=TOKEN in the relay URL, or with moq-pub/moq-sub/moq-clock
--token-file FILE.
Exit codes: 0 ok, 2 bad flags or key file, 4 the token is refused.`;

const FLAGS = {
  algorithm: { type: 'string' },
  kid: { type: 'string' },
  out: { type: 'string' },
  'public-out': { type: 'string' },
  key: { type: 'string' },
  root: { type: 'string' },
  put: { type: 'string', multiple: true },
  get: { type: 'string', multiple: true },
  publish: { type: 'string', multiple: true },
  subscribe: { type: 'string', multiple: true },
  expires: { type: 'string' },
  cluster: { type: 'boolean' },
  path: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

type Flags = ReturnType<typeof parseFlags<typeof FLAGS>>;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(`${usage}\n`);
    return ExitCode.OK;
  }
  if (command === '-V' || command === '--version') {
    process.stdout.write(`moq-token ${packageVersion()}\n`);
    return ExitCode.OK;
  }
  const flags = parseFlags(rest, FLAGS);
  if (flags.help) {
    process.stdout.write(`${usage}\n`);
    return ExitCode.OK;
  }
  switch (command) {
    case 'generate':
      return generate(flags);
    case 'sign':
      return sign(flags);
    case 'verify':
      return verify(flags);
    default:
      throw new CliError('USAGE', `unknown command '${command}' (generate, sign or verify)`);
  }
}

async function generate(flags: Flags): Promise<number> {
  const alg = parseChoice('algorithm', flags.algorithm ?? 'HS256', GENERATED_ALGORITHMS);
  if (flags.out === undefined) throw new CliError('USAGE', '--out is required');
  const kid = flags.kid ?? randomBytes(6).toString('hex');
  if (!/^[A-Za-z0-9_-]+$/.test(kid)) {
    throw new CliError('USAGE', `--kid may hold letters, digits, '-' and '_' only, got '${kid}'`);
  }
  if (alg === 'HS256' && flags['public-out'] !== undefined) {
    throw new CliError('USAGE', '--public-out is for ES256 and EdDSA (an HS256 key is secret)');
  }
  const key = await generateKey(alg, kid);
  await writeKey(flags.out, key.privateJwk, 0o600);
  if (flags['public-out'] !== undefined) await writeKey(flags['public-out'], key.publicJwk, 0o644);
  process.stderr.write(`moq-token: ${alg} key ${kid} written to ${flags.out}\n`);
  return ExitCode.OK;
}

async function sign(flags: Flags): Promise<number> {
  const jwk = await signingKey(flags);
  const put = [...(flags.put ?? []), ...(flags.publish ?? [])];
  const get = [...(flags.get ?? []), ...(flags.subscribe ?? [])];
  if (put.length === 0 && get.length === 0 && !flags.cluster) {
    throw new CliError('USAGE', 'the token would grant nothing: give --put and/or --get');
  }
  const expiresInS = flags.expires === undefined ? undefined : parseDuration(flags.expires);
  const token = await signToken(
    jwk,
    { root: flags.root ?? '', put, get, cluster: flags.cluster ?? false },
    expiresInS === undefined ? {} : { expiresInS },
  ).catch(keyError);
  process.stdout.write(`${token}\n`);
  return ExitCode.OK;
}

async function verify(flags: Flags): Promise<number> {
  if (flags.key === undefined) throw new CliError('USAGE', '--key is required');
  const keys = await KeySet.load([flags.key]).catch(keyError);
  const token = readFileSync(0, 'utf8').trim();
  try {
    const claims = await verifyToken(token, keys);
    const path = flags.path ?? '/';
    const at = permissionsAt(claims, path);
    process.stdout.write(`${JSON.stringify({ claims, path, grants: at }, null, 2)}\n`);
    return ExitCode.OK;
  } catch (error) {
    if (error instanceof AuthError) {
      throw new CliError('REFUSED', `token refused (${error.code}): ${error.message}`);
    }
    throw error;
  }
}

async function signingKey(flags: Flags): Promise<RelayJwk> {
  if (flags.key === undefined) throw new CliError('USAGE', '--key is required');
  const jwks = await readKeyFile(flags.key).catch(keyError);
  const chosen = flags.kid === undefined ? jwks : jwks.filter((k) => k.kid === flags.kid);
  if (chosen.length !== 1) {
    const why =
      flags.kid === undefined
        ? 'holds several keys: pick one with --kid'
        : `has no key ${flags.kid}`;
    throw new CliError('CONFIG', `--key ${flags.key} ${why}`);
  }
  const jwk = chosen[0] as RelayJwk;
  if (jwk.kty !== 'oct' && jwk.kty !== undefined && jwk.d === undefined) {
    throw new CliError('CONFIG', `--key ${flags.key} is a public key: sign with the private one`);
  }
  return jwk;
}

/** `90`, `30s`, `15m`, `1h`, `7d` → seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  if (!match)
    throw new CliError('USAGE', `--expires must be like 30s, 15m, 1h or 7d, got '${text}'`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  const seconds = Number(match[1]) * unit;
  if (seconds <= 0) throw new CliError('USAGE', `--expires must be positive, got '${text}'`);
  return seconds;
}

async function writeKey(path: string, jwk: RelayJwk, mode: number): Promise<void> {
  try {
    await writeFile(path, `${JSON.stringify(jwk, null, 2)}\n`, { mode, flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    const why = code === 'EEXIST' ? 'it exists already (not overwritten)' : code;
    throw new CliError('CONFIG', `cannot write ${path}: ${why}`);
  }
}

function keyError(error: unknown): never {
  if (error instanceof AuthError) throw new CliError('CONFIG', error.message);
  throw error;
}

if (isEntryPoint(import.meta.url)) {
  await runCli('moq-token', usage, () => main(process.argv.slice(2)));
}
