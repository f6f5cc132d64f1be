import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { APP_URL, contentSecurityPolicy, isTrustedUrl, rendererFile } from './security.js';

test('isTrustedUrl accepts only app://studio and the dev server', () => {
  assert.equal(isTrustedUrl(APP_URL), true);
  assert.equal(isTrustedUrl('app://studio/assets/x.js'), true);
  assert.equal(isTrustedUrl('app://other/index.html'), false);
  assert.equal(isTrustedUrl('file:///etc/passwd'), false);
  assert.equal(isTrustedUrl('not a url'), false);
  assert.equal(isTrustedUrl('http://localhost:5173/'), false);
  assert.equal(isTrustedUrl('http://localhost:5173/', 'http://localhost:5173'), true);
  assert.equal(isTrustedUrl('http://localhost:5174/', 'http://localhost:5173'), false);
  assert.equal(isTrustedUrl('https://localhost:5173/', 'http://localhost:5173'), false);
});

test('contentSecurityPolicy is strict unless a dev server is in use', () => {
  const csp = contentSecurityPolicy();
  assert.match(csp, /default-src 'none'/);
  assert.doesNotMatch(csp, /unsafe-(inline|eval)/);
  assert.match(
    contentSecurityPolicy('http://localhost:5173'),
    /connect-src 'self' ws:\/\/localhost:5173/,
  );
});

test('rendererFile stays inside the renderer folder', () => {
  const root = join('/app', 'out', 'renderer');
  assert.equal(rendererFile(root, '/'), join(root, 'index.html'));
  assert.equal(rendererFile(root, '/assets/a.js'), join(root, 'assets', 'a.js'));
  assert.equal(rendererFile(root, '/%2e%2e/main/index.js'), undefined);
  assert.equal(rendererFile(root, '/..%2f..%2fetc/passwd'), undefined);
  assert.equal(rendererFile(root, '/%2e%2e'), undefined);
  assert.throws(() => rendererFile(root, '/%E0'), URIError);
});
