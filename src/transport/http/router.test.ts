import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { HttpFrontendError } from './http-error.js';
import { Router } from './router.js';

let server: Server;
let base: string;
const router = new Router();

before(async () => {
  server = createServer((req, res) => void router.dispatch(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  router.add('GET', '/watch', (_req, res) => void res.end('list'));
  router.addPrefix('GET', '/watch/', (req, res) => void res.end(`page ${req.url ?? ''}`));
  router.addPrefix('GET', '/watch/special/', (_req, res) => void res.end('special'));
  router.add('GET', '/watch/exact', (_req, res) => void res.end('exact'));
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function get(path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  const response = await fetch(`${base}${path}`, { method });
  return { status: response.status, body: await response.text() };
}

test('a prefix route serves every path under it, query included in req.url', async () => {
  assert.deepEqual(await get('/watch/a/b/c?x=1'), { status: 200, body: 'page /watch/a/b/c?x=1' });
  assert.deepEqual(await get('/watch/'), { status: 200, body: 'page /watch/' });
});

test('exact routes win over prefixes, and the longest prefix wins', async () => {
  assert.deepEqual(await get('/watch'), { status: 200, body: 'list' });
  assert.deepEqual(await get('/watch/exact'), { status: 200, body: 'exact' });
  assert.deepEqual(await get('/watch/special/x'), { status: 200, body: 'special' });
  assert.deepEqual(await get('/watch/exactly'), { status: 200, body: 'page /watch/exactly' });
});

test('paths outside every prefix are 404; wrong methods under a prefix are 405', async () => {
  assert.equal((await get('/watc')).status, 404);
  assert.equal((await get('/other/watch/x')).status, 404);
  assert.equal((await get('/watch/x', 'POST')).status, 405);
  assert.equal((await get('/watch/x', 'HEAD')).status, 200);
});

test('a duplicate prefix or one without a leading slash is refused', () => {
  assert.throws(
    () => router.addPrefix('GET', '/watch/', () => undefined),
    (e: unknown) => e instanceof HttpFrontendError && e.code === 'ROUTE_EXISTS',
  );
  assert.throws(
    () => router.addPrefix('GET', 'watch/', () => undefined),
    (e: unknown) => e instanceof HttpFrontendError && e.code === 'INVALID_ROUTE',
  );
});
