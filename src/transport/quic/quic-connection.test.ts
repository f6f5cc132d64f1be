import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const FIXTURE = fileURLToPath(new URL('./unconfirmed-close.fixture.ts', import.meta.url));

interface CloseFigures {
  packetsSent: number;
  clientClosedMs: number;
  serverError: string;
}

/** Runs the fixture in its own process: the failure this guards against never yields. */
function runFixture(): Promise<CloseFigures[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', FIXTURE],
      { timeout: 30_000, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(`fixture failed (${error.signal ?? error.code}): ${stderr.slice(-2000)}`),
          );
          return;
        }
        resolve(
          stdout
            .trim()
            .split('\n')
            .map((line) => JSON.parse(line) as CloseFigures),
        );
      },
    );
  });
}

test('a client closing before its handshake is confirmed closes promptly and tells the server', async () => {
  const results = await runFixture();
  assert.equal(results.length, 20);
  for (const { packetsSent, clientClosedMs, serverError } of results) {
    assert.ok(packetsSent <= 12, `a close needs a handful of packets, sent ${packetsSent}`);
    assert.ok(clientClosedMs < 5000, `closed after ${clientClosedMs} ms`);
    // Handshake packets cannot carry application codes: APPLICATION_ERROR (0x0c) stands in.
    assert.match(serverError, /closed by peer: transport error 12 \(going away\)/);
  }
});
