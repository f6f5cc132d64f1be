// The command-line tools as real processes on loopback: moq-relay, and moq-clock publishing
// and subscribing through it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { join } from 'node:path';
import { Cli, ROOT, closedPort, startRelay } from './cli-process.js';

const CLOCK_LINE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

describe('moq-relay and moq-clock', () => {
  test('relay → /healthz, /certificate.sha256, clock through it, GOAWAY on SIGTERM', async () => {
    const { relay, listening } = await startRelay();
    assert.match(listening.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.match(listening.certificateSha256, /^[0-9a-f]{64}$/);

    const health = await fetch(new URL('/healthz', listening.url));
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, 'ok');

    const cert = await fetch(new URL('/certificate.sha256', listening.url));
    assert.equal(cert.headers.get('access-control-allow-origin'), '*');
    const hash = (await cert.text()).trim();
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.equal(hash, listening.certificateSha256);

    const publisher = new Cli('moq-clock', ['--url', listening.url, '--publish']);
    await publisher.waitForLine('stderr', (l) => l.includes('publishing clock/seconds'));
    const subscriber = new Cli('moq-clock', ['--url', listening.url, '--subscribe']);
    const seconds = await subscriber.waitFor('3 clock lines', () => {
      const got = subscriber.lines.stdout;
      return got.length >= 3 ? got.slice() : undefined;
    });
    for (const line of seconds) assert.match(line, CLOCK_LINE);
    for (let i = 1; i < seconds.length; i++) {
      assert.ok(
        (seconds[i] as string) > (seconds[i - 1] as string),
        `not increasing: ${seconds.join(', ')}`,
      );
    }

    const stoppedAt = Date.now();
    relay.child.kill('SIGTERM');
    await subscriber.waitForLine('stderr', (l) => l.includes('GOAWAY'));
    assert.deepEqual(await subscriber.exit(5000), { code: 0, signal: null });
    assert.deepEqual(await publisher.exit(5000), { code: 0, signal: null });
    assert.deepEqual(await relay.exit(5000), { code: 0, signal: null });
    assert.ok(Date.now() - stoppedAt < 5000);
    const messages = relay.lines.stdout.map((l) => (JSON.parse(l) as { msg: string }).msg);
    const closed = messages.filter((msg) => msg.startsWith('session closed'));
    assert.equal(closed.length, 2, relay.dump());
  });

  test('a reader that closes the pipe (| head) ends moq-clock with 0, not a stack trace', async () => {
    const { relay, listening } = await startRelay();
    const publisher = new Cli('moq-clock', ['--url', listening.url, '--publish']);
    await publisher.waitForLine('stderr', (l) => l.includes('publishing clock/seconds'));
    const subscriber = new Cli('moq-clock', ['--url', listening.url, '--subscribe']);
    await subscriber.waitForLine('stdout', (l) => CLOCK_LINE.test(l));
    subscriber.child.stdout?.destroy(); // as `head -1` exits after its line
    assert.deepEqual(await subscriber.exit(5000), { code: 0, signal: null });
    assert.doesNotMatch(subscriber.lines.stderr.join('\n'), /EPIPE|Error:/);
    publisher.child.kill('SIGINT');
    relay.child.kill('SIGINT');
    await publisher.exit(5000);
    await relay.exit(5000);
  });

  test('a refused subscription exits 4 with the MoQ error name', async () => {
    const { relay, listening } = await startRelay();
    const subscriber = new Cli('moq-clock', ['--url', listening.url, '--subscribe']);
    assert.equal((await subscriber.exit()).code, 4);
    assert.match(subscriber.lines.stderr.join('\n'), /refused: TRACK_DOES_NOT_EXIST \(0x4\)/);
    relay.child.kill('SIGINT');
    assert.equal((await relay.exit(5000)).code, 0);
  });

  test('an unreachable relay exits 3 naming the URL', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/`;
    const subscriber = new Cli('moq-clock', ['--url', url, '--subscribe']);
    assert.equal((await subscriber.exit()).code, 3);
    assert.match(subscriber.lines.stderr.join('\n'), /cannot reach the relay at http:\/\/127/);
  });

  test('bad flags exit 2 with one clear line and the usage', async () => {
    const runs = [
      { cli: new Cli('moq-relay', ['--bogus']), message: /Unknown option '--bogus'/ },
      { cli: new Cli('moq-relay', ['--bind', '::1:4443']), message: /brackets/ },
      { cli: new Cli('moq-relay', ['--cache-bytes', 'lots']), message: /--cache-bytes/ },
      { cli: new Cli('moq-relay', ['--tls-cert', 'c.pem']), message: /--tls-key is missing/ },
      { cli: new Cli('moq-clock', ['--publish']), message: /--url is required/ },
    ];
    for (const { cli, message } of runs) {
      assert.equal((await cli.exit()).code, 2, cli.dump());
      const [first, ...rest] = cli.lines.stderr;
      assert.match(first ?? '', message);
      assert.match(rest.join('\n'), /Usage: moq-/);
    }
  });

  test('a congestion controller quiche does not know (MOQ_QUIC_CC) exits 2 naming the choices', async () => {
    const env = { ...process.env, MOQ_QUIC_CC: 'vegas' };
    const relay = new Cli('moq-relay', ['--bind', '127.0.0.1:0'], { env });
    assert.equal((await relay.exit()).code, 2, relay.dump());
    assert.deepEqual(relay.lines.stderr, [
      'moq-relay: MOQ_QUIC_CC=vegas: not a congestion controller (cubic, bbr, reno)',
    ]);
  });

  test('a missing --tls-cert file exits 2 naming the file', async () => {
    const missing = join(ROOT, 'no-such-dir', 'cert.pem');
    const relay = new Cli('moq-relay', ['--tls-cert', missing, '--tls-key', missing]);
    assert.equal((await relay.exit()).code, 2);
    assert.equal(
      relay.lines.stderr[0],
      `moq-relay: --tls-cert ${missing}: cannot read it (no such file)`,
    );
  });
});
