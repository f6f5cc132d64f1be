// The certificate-hash GET against real TCP servers: one that accepts and never answers, one
// that answers with something else. No mocks: Node's fetch over loopback.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { nodeDialers } from '../transport/index.js';
import {
  CERTIFICATE_HASH_TIMEOUT_MS,
  connectRelay,
  fetchCertificateHash,
  RelayClientError,
} from './index.js';
import { silentServer } from './client-test-kit.js';

const isCode =
  (code: string, message: RegExp) =>
  (error: unknown): boolean => {
    assert.ok(error instanceof RelayClientError, String(error));
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  };

describe('fetchCertificateHash', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  before(async () => {
    silent = await silentServer();
  });
  after(() => silent.close());

  test('a relay that accepts and never answers: TIMEOUT naming the URL, within the timeout', async () => {
    const startedMs = performance.now();
    await assert.rejects(
      fetchCertificateHash(new URL(`http://127.0.0.1:${silent.port}/`), { timeoutMs: 300 }),
      isCode(
        'TIMEOUT',
        new RegExp(
          `^no certificate hash from http://127\\.0\\.0\\.1:${silent.port}/certificate\\.sha256 within 0\\.3 s$`,
        ),
      ),
    );
    const tookMs = performance.now() - startedMs;
    assert.ok(tookMs < 5000, `gave up after ${tookMs} ms`);
    assert.equal(CERTIFICATE_HASH_TIMEOUT_MS, 5000);
  });

  test("the caller's abort is ABORTED, not a timeout", async () => {
    const abort = new AbortController();
    const fetching = fetchCertificateHash(new URL(`http://127.0.0.1:${silent.port}/`), {
      signal: abort.signal,
    });
    abort.abort();
    await assert.rejects(fetching, isCode('ABORTED', /cancelled/));
  });

  test('a server that answers something else, or refuses: UNREACHABLE saying what', async () => {
    const wrong = createServer((socket) => {
      socket.once('data', () =>
        socket.end('HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello'),
      );
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => wrong.listen(0, '127.0.0.1', resolve));
    const { port } = wrong.address() as { port: number };
    try {
      await assert.rejects(
        fetchCertificateHash(new URL(`http://127.0.0.1:${port}/`)),
        isCode('UNREACHABLE', /certificate\.sha256 is not a SHA-256 hex digest/),
      );
    } finally {
      await new Promise((resolve) => wrong.close(resolve));
    }
    await assert.rejects(
      fetchCertificateHash(new URL(`http://127.0.0.1:${port}/`)),
      isCode('UNREACHABLE', /no certificate hash from .*: ECONNREFUSED/),
    );
  });

  test('connectRelay over QUIC to a silent relay fails with that reason, not the 10 s timeout', async () => {
    const startedMs = performance.now();
    await assert.rejects(
      connectRelay(`http://127.0.0.1:${silent.port}/`, nodeDialers, {
        transport: 'quic',
        certificateHashTimeoutMs: 500,
      }),
      isCode('UNREACHABLE', /webtransport: no certificate hash from .* within 0\.5 s/),
    );
    assert.ok(performance.now() - startedMs < 9000);
  });
});
