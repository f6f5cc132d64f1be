// The package as users install it: `npm pack`, install the tarball into an empty prefix, and run
// every command README names from there — compiled JavaScript, no tsx, no sources.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { withTimeout } from '../src/async/index.js';
import { ROOT } from './cli-process.js';

const run = promisify(execFile);
const PROGRAMS = ['moq-relay', 'moq-pub', 'moq-sub', 'moq-clock', 'moq-studio'] as const;
const INSTALL_TIMEOUT_MS = 300_000;

describe('installed package', () => {
  const work = mkdtempSync(join(tmpdir(), 'moq-package-'));
  const prefix = join(work, 'prefix');
  const bin = (program: string): string => join(prefix, 'node_modules', '.bin', program);
  const env = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', npm_config_yes: 'true' };

  before(async () => {
    assert.ok(existsSync(join(ROOT, 'lib', 'cli', 'run.js')), 'npm run build has not emitted lib/');
    const packed = await run('npm', ['pack', '--json', '--pack-destination', work], {
      cwd: ROOT,
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
    const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
    await run(
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        join(work, filename),
      ],
      { env, timeout: INSTALL_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 },
    );
  });

  after(() => rmSync(work, { recursive: true, force: true }));

  test('ships compiled code and no sources or tests', () => {
    const installed = join(prefix, 'node_modules', 'moq-studio');
    assert.ok(existsSync(join(installed, 'lib', 'cli', 'moq-relay.js')));
    assert.ok(existsSync(join(installed, 'out', 'player', 'watch.js')), 'the watch page script');
    assert.ok(existsSync(join(installed, 'out', 'renderer', 'index.html')), 'the studio pages');
    assert.ok(!existsSync(join(installed, 'src')), 'sources are not shipped');
    assert.ok(!existsSync(join(installed, 'node_modules', 'tsx')), 'tsx is not installed');
  });

  for (const program of PROGRAMS) {
    test(`${program} --help runs from the installed package`, async () => {
      const { stdout } = await run(bin(program), ['--help'], { cwd: work, env });
      assert.match(stdout, new RegExp(`^Usage: ${program}`));
    });
  }

  test('the installed relay serves its health check and the watch page script', async () => {
    const relay = spawn(bin('moq-relay'), ['--bind', '127.0.0.1:0'], { cwd: work, env });
    try {
      const url = await withTimeout(firstUrl(relay), 30_000, 'the relay to log its URL');
      const health = await fetch(new URL('/healthz', url));
      assert.equal(health.status, 200);
      const page = await fetch(new URL('/watch/demo', url));
      assert.equal(page.status, 200);
      const scriptPath = /src="([^"]+\.js)"/.exec(await page.text())?.[1];
      assert.ok(scriptPath, 'the watch page names its script');
      const scriptUrl = new URL(scriptPath, url);
      const script = await fetch(scriptUrl);
      assert.equal(script.status, 200);
      // The entry is small and imports the player's chunks: each must be served too.
      const entry = await script.text();
      const chunks = [...entry.matchAll(/["'](\.\/[\w-]+\.js)["']/g)].map((m) => m[1] as string);
      assert.ok(chunks.length > 0, 'the entry imports its chunks');
      let bundledBytes = entry.length;
      for (const chunk of chunks) {
        const response = await fetch(new URL(chunk, scriptUrl));
        assert.equal(response.status, 200, chunk);
        bundledBytes += (await response.text()).length;
      }
      assert.ok(bundledBytes > 100_000, 'the bundled player, not an error page');
    } finally {
      relay.kill('SIGTERM');
    }
  });
});

/** The relay's first JSON log line carries the URL to use. */
function firstUrl(relay: ReturnType<typeof spawn>): Promise<string> {
  return new Promise((resolve, reject) => {
    relay.once('exit', (code) => reject(new Error(`relay exited with ${code}`)));
    createInterface({ input: relay.stdout! }).on('line', (line) => {
      try {
        const { url } = JSON.parse(line) as { url?: string };
        if (url) resolve(url);
      } catch {
        // Not a JSON line.
      }
    });
  });
}
