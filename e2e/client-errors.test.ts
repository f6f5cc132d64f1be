/**
 * What the CLIs say when a relay will not have them, as real processes: a relay whose HTTP side
 * accepts and never answers (no certificate hash), and a relay that refuses the session (a
 * token required). Each exits non-zero with one line that says why.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { silentServer } from '../src/client/client-test-kit.js';
import { Cli } from './cli-process.js';

describe('CLI errors from a relay that will not have us', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  let dir: string;
  before(async () => {
    silent = await silentServer();
    dir = mkdtempSync(join(tmpdir(), 'moq-client-errors-'));
  });
  after(async () => {
    await silent.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('moq-sub over QUIC to a relay whose HTTP side never answers: exit 3 naming the hash URL', async () => {
    const url = `http://127.0.0.1:${silent.port}/`;
    const sub = new Cli('moq-sub', ['--url', url, '--name', 'x', '--transport', 'quic']);
    const exit = await sub.exit(30_000);
    assert.equal(exit.code, 3, sub.dump());
    const hashUrl = `${url}certificate.sha256`.replaceAll('.', '\\.');
    assert.match(sub.dump(), new RegExp(`no certificate hash from ${hashUrl} within 5 s`));
  });

  test('moq-clock (both transports raced) to the same relay: exit 3, the hash named too', async () => {
    const url = `http://127.0.0.1:${silent.port}/`;
    const clock = new Cli('moq-clock', ['--url', url, '--subscribe']);
    const exit = await clock.exit(30_000);
    assert.equal(exit.code, 3, clock.dump());
    assert.match(
      clock.dump(),
      /no answer from the relay at .* within 10 s \(.*no certificate hash/,
    );
  });

  test('moq-sub to a relay that requires a token: exit 4, the refusal and its reason', async () => {
    const key = join(dir, 'key.jwk');
    const pub = join(dir, 'key.pub.jwk');
    const made = new Cli('moq-token', [
      ...['generate', '--algorithm', 'ES256', '--out', key, '--public-out', pub],
    ]);
    assert.equal((await made.exit(30_000)).code, 0, made.dump());
    const relay = new Cli('moq-relay', ['--bind', '127.0.0.1:0', '--auth-key', pub]);
    try {
      const line = await relay.waitForLine('stdout', (l) => l.includes('"relay listening"'));
      const { url } = JSON.parse(line) as { url: string };
      const sub = new Cli('moq-sub', ['--url', url, '--name', 'demo']);
      const exit = await sub.exit(30_000);
      assert.equal(exit.code, 4, sub.dump());
      assert.match(
        sub.dump(),
        /moq-sub: the relay refused the session: UNAUTHORIZED \(0x2\): a token is required/,
      );
      assert.doesNotMatch(sub.dump(), /session is closed/);
    } finally {
      relay.child.kill('SIGINT');
      await relay.exit(30_000);
    }
  });
});
