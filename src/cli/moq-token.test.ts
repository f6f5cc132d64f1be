import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { connectRelay } from '../client/index.js';
import { GroupConsumer, type MoqSession, type TrackConsumer } from '../moq/index.js';
import { nodeDialers } from '../transport/index.js';

const bin = (name: string): string =>
  fileURLToPath(new URL(`../../bin/${name}.mjs`, import.meta.url));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function run(name: string, args: string[], stdin = ''): Promise<Ran> {
  const child = spawn(process.execPath, [bin(name), ...args], { stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  child.stdin.end(stdin);
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/** Starts moq-relay on a free port; resolves with its URL from the 'relay listening' log line. */
async function startRelay(
  args: string[],
): Promise<{ child: ChildProcessWithoutNullStreams; url: string }> {
  const child = spawn(process.execPath, [bin('moq-relay'), '--bind', '127.0.0.1:0', ...args], {
    stdio: 'pipe',
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8').on('data', (t: string) => (out += t));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (text: string) => {
      out += text;
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+\/)"/.exec(out);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`moq-relay exited ${code}: ${out}`)));
  });
  return { child, url };
}

let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'moq-token-cli-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('moq-token CLI', { timeout: 120_000 }, () => {
  test('generate + sign + verify round trip; a relay with the key accepts the token', async () => {
    const privatePath = join(dir, 'es.jwk');
    const publicPath = join(dir, 'es.pub.jwk');
    const generated = await run('moq-token', [
      'generate',
      '--algorithm',
      'ES256',
      '--kid',
      'rot-1',
      '--out',
      privatePath,
      '--public-out',
      publicPath,
    ]);
    assert.equal(generated.code, 0, generated.stderr);
    assert.equal((await stat(privatePath)).mode & 0o777, 0o600, 'the private key is owner-only');

    const signed = await run('moq-token', [
      'sign',
      '--key',
      privatePath,
      '--root',
      'demo',
      '--put',
      '',
      '--get',
      '',
      '--expires',
      '1h',
    ]);
    assert.equal(signed.code, 0, signed.stderr);
    const token = signed.stdout.trim();
    assert.equal(token.split('.').length, 3);

    const verified = await run(
      'moq-token',
      ['verify', '--key', publicPath, '--path', '/demo'],
      token,
    );
    assert.equal(verified.code, 0, verified.stderr);
    const report = JSON.parse(verified.stdout) as {
      claims: { root: string; exp: number };
      grants: { publish: string[] };
    };
    assert.equal(report.claims.root, 'demo');
    assert.ok(report.claims.exp > Date.now() / 1000 + 3500);
    assert.deepEqual(report.grants.publish, ['demo']);

    const tampered = `${token.slice(0, -4)}AAAA`;
    const refused = await run('moq-token', ['verify', '--key', publicPath], tampered);
    assert.equal(refused.code, 4);
    assert.match(refused.stderr, /BAD_SIGNATURE/);

    const tokenFile = join(dir, 'token.txt');
    await writeFile(tokenFile, `${token}\n`);
    const { child: relay, url } = await startRelay(['--auth-key', publicPath]);
    try {
      // moq-clock publishes with --token-file; an in-process viewer with the token reads it.
      const clock = spawn(
        process.execPath,
        [
          bin('moq-clock'),
          '--url',
          url,
          '--publish',
          '--namespace',
          'demo/clock',
          '--token-file',
          tokenFile,
          '--transport',
          'quic',
        ],
        { stdio: 'pipe' },
      );
      try {
        const viewerUrl = new URL(url);
        viewerUrl.searchParams.set('jwt', token);
        const viewer = await connectRelay(viewerUrl, nodeDialers, { transport: 'websocket' });
        const consumer = await subscribeWhenAnnounced(viewer.session, ['demo', 'clock'], 'seconds');
        const group = await consumer.nextGroup();
        assert.ok(group instanceof GroupConsumer);
        const object = await group.readObject();
        assert.ok(object && object.payload.length > 0);
        await viewer.close();
      } finally {
        clock.kill('SIGINT');
        await once(clock, 'exit');
      }

      const outside = await run('moq-clock', [
        '--url',
        url,
        '--publish',
        '--namespace',
        'elsewhere/clock',
        '--token-file',
        tokenFile,
      ]);
      assert.equal(outside.code, 4, outside.stderr);
      assert.match(outside.stderr, /UNAUTHORIZED/);

      const anonymous = await run('moq-clock', [
        '--url',
        url,
        '--subscribe',
        '--namespace',
        'demo/clock',
      ]);
      assert.equal(anonymous.code, 4, anonymous.stderr);
      assert.match(
        anonymous.stderr,
        /refused the session: UNAUTHORIZED \(0x2\): a token is required/,
      );
    } finally {
      relay.kill('SIGINT');
      await once(relay, 'exit');
    }
  });

  test('bad usage and bad key files are one clear line and exit 2', async () => {
    const noKey = await run('moq-token', ['sign', '--put', '']);
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /--key is required/);
    const missing = await run('moq-relay', ['--auth-key', join(dir, 'nope.jwk')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.jwk: cannot read it \(ENOENT\)/);
    const publicOnly = await run('moq-relay', ['--public', 'anon']);
    assert.equal(publicOnly.code, 2);
    assert.match(publicOnly.stderr, /--public needs --auth-key/);
  });
});

/** Waits for the publisher's announcement (discovery), then subscribes. */
async function subscribeWhenAnnounced(
  session: MoqSession,
  namespace: string[],
  track: string,
): Promise<TrackConsumer> {
  const watch = new AbortController();
  for await (const { namespace: seen, active } of session.announced(namespace, watch.signal)) {
    if (active && seen.join('/') === namespace.join('/')) break;
  }
  watch.abort();
  return session.subscribe(namespace, track);
}
