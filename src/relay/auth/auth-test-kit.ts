import assert from 'node:assert/strict';
import { RelayClientError, connectRelay, type TransportChoice } from '../../client/index.js';
import { MoqError, type MoqSession } from '../../moq/index.js';
import { nodeDialers } from '../../transport/index.js';
import type { Relay } from '../relay.js';

/** A session to the relay at `path` (default `/`), with `?jwt=token` when given. */
export async function joinWith(
  relay: Relay,
  options: { path?: string; token?: string; transport?: TransportChoice } = {},
): Promise<MoqSession> {
  const url = new URL(`http://127.0.0.1:${relay.port}${options.path ?? '/'}`);
  if (options.token !== undefined) url.searchParams.set('jwt', options.token);
  const connection = await connectRelay(url, nodeDialers, {
    transport: options.transport ?? 'quic',
  });
  return connection.session;
}

/** Asserts the relay refused the session at setup with `code`; returns the reason. */
export async function assertRefused(opening: Promise<unknown>, code: number): Promise<string> {
  const error = await opening.then(
    () => assert.fail('the session was accepted'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof RelayClientError, `not a RelayClientError: ${String(error)}`);
  assert.equal(error.code, 'REFUSED');
  assert.ok(error.cause instanceof MoqError);
  assert.equal(
    error.cause.code,
    code,
    `code 0x${error.cause.code.toString(16)}: ${error.cause.reason}`,
  );
  return error.cause.reason;
}

/** Asserts a request was refused with the MoqError `code`; returns the reason. */
export async function assertDenied(request: Promise<unknown>, code: number): Promise<string> {
  const error = await request.then(
    () => assert.fail('the request was accepted'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof MoqError, `not a MoqError: ${String(error)}`);
  assert.equal(error.code, code, `code 0x${error.code.toString(16)}: ${error.reason}`);
  return error.reason;
}
