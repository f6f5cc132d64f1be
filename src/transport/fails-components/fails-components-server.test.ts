import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateCertificate } from '../cert/index.js';
import { TransportError } from '../transport-error.js';
import { FailsComponentsServer } from './index.js';

// The optional backend's native addon downloads from GitHub at install time, which this machine
// cannot reach: here we can only prove that selecting it fails clearly instead of crashing.
test('selecting the fails-components backend without its addon is a clear error', async () => {
  const tls = await generateCertificate();
  await assert.rejects(
    FailsComponentsServer.listen({ port: 0, tls, paths: ['/x'] }),
    (e: unknown) => e instanceof TransportError && /backend is not installed/.test(e.message),
  );
});
