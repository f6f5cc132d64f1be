import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseSize } from './args.js';
import { CliError, ExitCode } from './cli-error.js';
import { checkTlsFiles, parseBind, parseRelayArgs, type RelayConfig } from './relay-args.js';

function config(argv: string[]): RelayConfig {
  const command = parseRelayArgs(argv);
  assert.equal(command.kind, 'run');
  return command.config;
}

/** Asserts a CliError with this code whose message matches. */
function throwsCli(run: () => unknown, code: CliError['code'], message: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof CliError, `expected a CliError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  });
}

test('defaults: [::]:4443, generated certificate, no limit overrides, info logs', () => {
  assert.deepEqual(config([]), {
    host: '::',
    port: 4443,
    tls: undefined,
    limits: {},
    logLevel: 'info',
    authKeyPaths: [],
    publicPrefixes: [],
    cluster: undefined,
    workers: 1,
  });
});

test('--auth-key and --public repeat; --public needs a key', () => {
  const parsed = config([
    '--auth-key',
    'a.jwk',
    '--auth-key',
    'b.jwks',
    '--public',
    'anon',
    '--public',
    'open',
  ]);
  assert.deepEqual(parsed.authKeyPaths, ['a.jwk', 'b.jwks']);
  assert.deepEqual(parsed.publicPrefixes, ['anon', 'open']);
  assert.throws(() => config(['--public', 'anon']), /--public needs --auth-key/);
});

test('--bind takes HOST:PORT and bracketed IPv6', () => {
  assert.deepEqual(parseBind('127.0.0.1:4443'), { host: '127.0.0.1', port: 4443 });
  assert.deepEqual(parseBind('[::1]:0'), { host: '::1', port: 0 });
  assert.deepEqual(parseBind('relay.example:443'), { host: 'relay.example', port: 443 });
  assert.deepEqual(config(['--bind', '[::]:5000']).port, 5000);
});

test('--bind rejects a bare IPv6 address, a missing port and a port out of range', () => {
  throwsCli(() => parseBind('::1:4443'), 'USAGE', /brackets/);
  throwsCli(() => parseBind('127.0.0.1'), 'USAGE', /HOST:PORT/);
  throwsCli(() => parseBind('127.0.0.1:70000'), 'USAGE', /between 0 and 65535/);
  throwsCli(() => parseBind('127.0.0.1:http'), 'USAGE', /HOST:PORT/);
});

test('limit flags map onto RelayLimits; sizes take suffixes', () => {
  const { limits } = config([
    '--max-sessions=5',
    '--max-requests-per-session',
    '7',
    '--cache-groups',
    '2',
    '--cache-bytes',
    '64MiB',
    '--max-inflight-groups',
    '9',
    '--max-object-bytes',
    '1.5MB',
  ]);
  assert.deepEqual(limits, {
    maxSessions: 5,
    maxRequestsPerSession: 7,
    cacheGroups: 2,
    cacheBytes: 64 * 1024 * 1024,
    maxInflightGroups: 9,
    maxObjectBytes: 1_500_000,
  });
});

test('abuse limits: memory budget in MiB (or a size), timeouts, quotas', () => {
  assert.deepEqual(
    config([
      '--memory-budget',
      '256',
      '--setup-timeout-ms',
      '5000',
      '--object-stall-ms',
      '3000',
      '--max-sessions-per-address',
      '20',
      '--max-sessions-per-token',
      '0',
      '--max-announces-per-session',
      '10',
    ]).limits,
    {
      memoryBudgetBytes: 256 * 2 ** 20,
      setupTimeoutMs: 5000,
      objectStallMs: 3000,
      maxSessionsPerAddress: 20,
      maxSessionsPerToken: 0,
      maxAnnouncesPerSession: 10,
    },
  );
  assert.equal(config(['--memory-budget', '2GiB']).limits.memoryBudgetBytes, 2 * 2 ** 30);
  throwsCli(() => config(['--memory-budget', 'lots']), 'USAGE', /memory-budget/);
});

test('sizes: plain bytes, decimal and binary units, case-insensitive', () => {
  assert.equal(parseSize('x', '65536'), 65536);
  assert.equal(parseSize('x', '512KiB'), 512 * 1024);
  assert.equal(parseSize('x', '2gib'), 2 * 2 ** 30);
  assert.equal(parseSize('x', '10 kb'), 10_000);
  throwsCli(() => parseSize('cache-bytes', '64 parsecs'), 'USAGE', /--cache-bytes must be a size/);
  throwsCli(() => parseSize('cache-bytes', '0'), 'USAGE', /at least 1/);
});

test('bad limit values name their flag', () => {
  throwsCli(() => parseRelayArgs(['--max-sessions', '0']), 'USAGE', /--max-sessions/);
  throwsCli(() => parseRelayArgs(['--cache-groups', '-1']), 'USAGE', /--cache-groups/);
  throwsCli(() => parseRelayArgs(['--max-inflight-groups', '2.5']), 'USAGE', /whole number/);
  throwsCli(() => parseRelayArgs(['--cache-bytes', 'lots']), 'USAGE', /--cache-bytes/);
});

test('unknown flags, missing values and positionals are USAGE errors (exit 2)', () => {
  throwsCli(() => parseRelayArgs(['--bogus']), 'USAGE', /Unknown option '--bogus'/);
  throwsCli(() => parseRelayArgs(['--bind']), 'USAGE', /--bind/);
  throwsCli(() => parseRelayArgs(['4443']), 'USAGE', /positional/);
  assert.equal(new CliError('USAGE', 'x').exitCode, ExitCode.USAGE);
});

test('--log-level takes pino levels only', () => {
  assert.equal(config(['--log-level', 'debug']).logLevel, 'debug');
  throwsCli(() => parseRelayArgs(['--log-level', 'loud']), 'USAGE', /--log-level must be one of/);
});

test('--help and --version win over everything else', () => {
  assert.deepEqual(parseRelayArgs(['--help', '--bind', 'nonsense']), { kind: 'help' });
  assert.deepEqual(parseRelayArgs(['-V']), { kind: 'version' });
});

test('--tls-cert and --tls-key go together', () => {
  throwsCli(() => parseRelayArgs(['--tls-cert', 'c.pem']), 'USAGE', /--tls-key is missing/);
  throwsCli(() => parseRelayArgs(['--tls-key', 'k.pem']), 'USAGE', /--tls-cert is missing/);
  assert.deepEqual(config(['--tls-cert', 'c.pem', '--tls-key', 'k.pem']).tls, {
    certPath: 'c.pem',
    keyPath: 'k.pem',
  });
});

test('certificate files that are missing or not files are named (exit 2)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-args-'));
  const cert = join(dir, 'cert.pem');
  writeFileSync(cert, 'not checked here');
  const missing = join(dir, 'missing-key.pem');
  throwsCli(
    () => checkTlsFiles({ certPath: cert, keyPath: missing }),
    'CONFIG',
    new RegExp(`--tls-key ${missing}: cannot read it \\(no such file\\)`),
  );
  throwsCli(() => checkTlsFiles({ certPath: dir, keyPath: cert }), 'CONFIG', /not a file/);
  assert.equal(new CliError('CONFIG', 'x').exitCode, ExitCode.USAGE);
  checkTlsFiles({ certPath: cert, keyPath: cert });
  checkTlsFiles(undefined);
});

test('cluster flags: Redis needs the node URL; workers default to 1 alone, a count when given', () => {
  const clustered = config([
    '--cluster-redis',
    'redis://127.0.0.1:6379',
    '--cluster-node',
    'http://10.0.0.1:4443/',
  ]);
  assert.equal(clustered.cluster?.node, 'http://10.0.0.1:4443/');
  assert.equal(config(['--workers', '3']).workers, 3);
  throwsCli(() => config(['--cluster-redis', 'redis://127.0.0.1:6379']), 'USAGE', /--cluster-node/);
  throwsCli(() => config(['--cluster-node', 'http://a:1/']), 'USAGE', /--cluster-redis/);
  throwsCli(
    () => config(['--cluster-redis', 'http://x/', '--cluster-node', 'http://a:1/']),
    'USAGE',
    /redis:/,
  );
  throwsCli(() => config(['--workers', '0']), 'USAGE', /workers/);
});
