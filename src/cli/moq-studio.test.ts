import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { StudioClient, type WebSocketConstructor } from '../studio/studio-client.js';
import { parseStudioArgs } from './studio-args.js';

const BIN = fileURLToPath(new URL('../../bin/moq-studio.mjs', import.meta.url));

describe('moq-studio serve', { timeout: 60_000 }, () => {
  it('prints the address with its token, serves the API, stops on SIGINT', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'moq-studio-cli-'));
    const child = spawn(
      process.execPath,
      [BIN, 'serve', '--bind', '127.0.0.1:0', '--data-dir', dataDir, '--relay-port', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let out = '';
      child.stdout.setEncoding('utf8');
      const line = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (text: string) => {
          out += text;
          const match = /moq-studio serve: open (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
          if (match?.[1]) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const client = await StudioClient.fromPage(line, {
        WebSocket: WebSocket as unknown as WebSocketConstructor,
      });
      const settings = await client.updateSettings({ broadcastName: 'from-cli' });
      assert.equal(settings.relay.kind, 'embedded');
      assert.deepEqual(settings.relay, { kind: 'embedded', port: 0 });
      const info = await client.getRelayInfo();
      assert.equal(info.running, true);
      assert.ok((info.port ?? 0) > 0);
      client.close();
      const stored = JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8')) as {
        broadcastName: string;
      };
      assert.equal(stored.broadcastName, 'from-cli');
      const page = await fetch(line);
      assert.ok(page.status === 200 || page.status === 503, `page status ${page.status}`);
      child.kill('SIGINT');
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('moq-studio arguments', () => {
  it('needs the serve command and checks its flags', () => {
    assert.throws(() => parseStudioArgs([]), { code: 'USAGE', message: /must be 'serve'/ });
    assert.throws(() => parseStudioArgs(['serve', '--bind', 'nope']), { code: 'USAGE' });
    assert.throws(() => parseStudioArgs(['serve', '--relay-port', '70000']), { code: 'USAGE' });
    assert.throws(() => parseStudioArgs(['serve', '--token', 'short']), { code: 'USAGE' });
    const command = parseStudioArgs(['serve', '--bind', '0.0.0.0:9000'], {
      XDG_CONFIG_HOME: '/cfg',
    });
    assert.deepEqual(command, {
      kind: 'serve',
      config: {
        host: '0.0.0.0',
        port: 9000,
        dataDir: '/cfg/moq-studio',
        relayPort: undefined,
        relayHost: '0.0.0.0',
        shareHost: undefined,
        token: undefined,
        tokenSource: undefined,
      },
    });
    assert.deepEqual(parseStudioArgs(['serve', '--help']), { kind: 'help' });
  });

  it('takes the token from a file or the environment, and says where it came from', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'moq-studio-token-'));
    try {
      const file = join(dir, 'token');
      await writeFile(file, 'from-a-file-0123\nignored\n', { mode: 0o600 });
      const fromFile = parseStudioArgs(['serve', '--token-file', file], {});
      assert.equal(fromFile.kind === 'serve' && fromFile.config.token, 'from-a-file-0123');
      assert.equal(fromFile.kind === 'serve' && fromFile.config.tokenSource, 'file');
      const fromEnv = parseStudioArgs(['serve'], { MOQ_STUDIO_TOKEN: 'from-the-env-0123' });
      assert.equal(fromEnv.kind === 'serve' && fromEnv.config.token, 'from-the-env-0123');
      assert.equal(fromEnv.kind === 'serve' && fromEnv.config.tokenSource, 'env');
      const fromFlag = parseStudioArgs(['serve', '--token', 'from-the-flag-0123'], {});
      assert.equal(fromFlag.kind === 'serve' && fromFlag.config.tokenSource, 'flag');
      assert.throws(() => parseStudioArgs(['serve', '--token-file', join(dir, 'none')], {}), {
        code: 'USAGE',
        message: /cannot read/,
      });
      assert.throws(
        () => parseStudioArgs(['serve', '--token', 'abcdefgh1', '--token-file', file], {}),
        { code: 'USAGE' },
      );
      assert.throws(() => parseStudioArgs(['serve'], { MOQ_STUDIO_TOKEN: 'short' }), {
        code: 'USAGE',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
