import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CertificateStore, generateCertificate } from '../cert/index.js';
import { HttpFrontend, HttpFrontendError } from './index.js';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function fetchText(
  url: string,
  options: { method?: string; headers?: Record<string, string>; ca?: string } = {},
): Promise<Reply> {
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method: options.method ?? 'GET', headers: options.headers, ca: options.ca },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

let store: CertificateStore;
let frontend: HttpFrontend;
let base: string;

before(async () => {
  store = await CertificateStore.create({});
  frontend = await HttpFrontend.listen({ host: '127.0.0.1', port: 0, certificates: store });
  base = `http://127.0.0.1:${frontend.port}`;
});

after(async () => {
  await frontend.close();
  await frontend.close();
  store.close();
});

test('GET /certificate.sha256 returns the current hash, CORS-readable and uncached', async () => {
  assert.ok(frontend.port > 0);
  const reply = await fetchText(`${base}/certificate.sha256`);
  assert.equal(reply.status, 200);
  assert.equal(reply.body, store.current().sha256Hex);
  assert.match(reply.body, /^[0-9a-f]{64}$/);
  assert.match(reply.headers['content-type'] ?? '', /^text\/plain/);
  assert.equal(reply.headers['access-control-allow-origin'], '*');
  assert.equal(reply.headers['cache-control'], 'no-store');
});

test('GET /certificate.sha256 follows a rotation', async () => {
  const next = await store.reload();
  const reply = await fetchText(`${base}/certificate.sha256`);
  assert.equal(reply.body, next.sha256Hex);
});

test('OPTIONS /certificate.sha256 answers the CORS preflight', async () => {
  const reply = await fetchText(`${base}/certificate.sha256`, {
    method: 'OPTIONS',
    headers: {
      origin: 'http://127.0.0.1:9999',
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'x-custom',
    },
  });
  assert.equal(reply.status, 204);
  assert.equal(reply.headers['access-control-allow-origin'], '*');
  assert.match(reply.headers['access-control-allow-methods'] ?? '', /GET/);
  assert.equal(reply.headers['access-control-allow-headers'], 'x-custom');
});

test('unknown paths are 404, wrong methods 405', async () => {
  assert.equal((await fetchText(`${base}/nope`)).status, 404);
  assert.equal((await fetchText(`${base}/certificate.sha256x`)).status, 404);
  const post = await fetchText(`${base}/certificate.sha256`, { method: 'POST' });
  assert.equal(post.status, 405);
  assert.match(post.headers.allow ?? '', /GET/);
});

test('addRoute serves custom routes; a throwing handler is a 500, not a crash', async () => {
  frontend.addRoute('GET', '/hello', (_req, res) => {
    res.end('hi');
  });
  frontend.addRoute('GET', '/boom', async () => {
    throw new Error('handler bug');
  });
  assert.throws(
    () => frontend.addRoute('get', '/hello', () => undefined),
    (e: unknown) => e instanceof HttpFrontendError && e.code === 'ROUTE_EXISTS',
  );
  assert.equal((await fetchText(`${base}/hello?x=1`)).body, 'hi');
  assert.equal((await fetchText(`${base}/boom`)).status, 500);
  assert.equal((await fetchText(`${base}/hello`)).status, 200);
});

test('garbage bytes on TCP get a 400 and leave the server serving', async () => {
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = connect(frontend.port, '127.0.0.1', () => {
      socket.write(Buffer.from([0x16, 0x03, 0x01, 0xff, 0x00, 0x13, 0x37, 0x0d, 0x0a, 0x0d, 0x0a]));
    });
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
  assert.match(answer, /^HTTP\/1\.1 400/);
  assert.equal((await fetchText(`${base}/certificate.sha256`)).status, 200);
});

test('listening on a taken port is LISTEN_FAILED', async () => {
  await assert.rejects(
    HttpFrontend.listen({ host: '127.0.0.1', port: frontend.port, certificates: store }),
    (e: unknown) => e instanceof HttpFrontendError && e.code === 'LISTEN_FAILED',
  );
});

test('a pre-aborted signal stops listen with ABORTED', async () => {
  await assert.rejects(
    HttpFrontend.listen({ port: 0, certificates: store, signal: AbortSignal.abort() }),
    (e: unknown) => e instanceof HttpFrontendError && e.code === 'ABORTED',
  );
});

test('with tls and a loaded certificate the hash is served over HTTPS', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'moq-https-'));
  try {
    const material = await generateCertificate({});
    await writeFile(join(dir, 'cert.pem'), material.certPem);
    await writeFile(join(dir, 'key.pem'), material.keyPem);
    const files = await CertificateStore.create({
      certPath: join(dir, 'cert.pem'),
      keyPath: join(dir, 'key.pem'),
    });
    const secure = await HttpFrontend.listen({
      host: '127.0.0.1',
      port: 0,
      certificates: files,
      tls: true,
    });
    try {
      const reply = await fetchText(`https://127.0.0.1:${secure.port}/certificate.sha256`, {
        ca: material.certPem,
      });
      assert.equal(reply.status, 200);
      assert.equal(reply.body, material.sha256Hex);
      assert.equal(reply.headers['access-control-allow-origin'], '*');
      assert.equal(reply.headers['cache-control'], 'no-store');

      // A renewed pair on disk: reload() switches both the hash and the TLS certificate.
      const renewed = await generateCertificate({});
      await writeFile(join(dir, 'cert.pem'), renewed.certPem);
      await writeFile(join(dir, 'key.pem'), renewed.keyPem);
      await files.reload();
      const after = await fetchText(`https://127.0.0.1:${secure.port}/certificate.sha256`, {
        ca: renewed.certPem,
      });
      assert.equal(after.body, renewed.sha256Hex);
    } finally {
      await secure.close();
      files.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('accept() resolves undefined after close and rejects on abort', async () => {
  const other = await HttpFrontend.listen({ host: '127.0.0.1', port: 0, certificates: store });
  const controller = new AbortController();
  const aborted = other.accept(controller.signal);
  controller.abort();
  await assert.rejects(
    aborted,
    (e: unknown) => e instanceof HttpFrontendError && e.code === 'ABORTED',
  );
  const pending = other.accept();
  await other.close();
  assert.equal(await pending, undefined);
  assert.equal(await other.accept(), undefined);
});
