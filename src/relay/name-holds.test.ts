// A publisher that vanishes (killed, its session never ended) keeps its name: a stranger is
// refused while the dead session lingers and for a grace period after, the owner (the same
// token rights) takes the name over at once. Real relay, real QUIC, a real killed process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, test } from 'node:test';
import { until } from '../async/index.js';
import { connectRelay } from '../client/index.js';
import {
  BroadcastProducer,
  MoqError,
  PublishNamespaceErrorCode,
  type MoqSession,
} from '../moq/index.js';
import { nodeDialers } from '../transport/index.js';
import { Authorizer, KeySet, generateKey, signToken, type GeneratedKey } from './auth/index.js';
import { NameHolds } from './name-holds.js';
import { Relay } from './relay.js';

const ROOT = join(import.meta.dirname, '..', '..');

test('NameHolds: a vanished owner keeps its name for the grace; a clean end frees it', () => {
  let now = 0;
  const holds = new NameHolds(5000, () => now);
  holds.published('a', 'token:demo');
  holds.ended('a', true);
  assert.match(holds.refusal('a', 'token:other') ?? '', /held for its publisher for another 5 s/);
  assert.equal(holds.refusal('a', 'token:demo'), undefined, 'the owner may come back');
  holds.published('a', 'token:demo');
  holds.ended('a', true);
  now = 5001;
  assert.equal(holds.refusal('a', 'addr:x'), undefined, 'after the grace anyone may');
  holds.published('b', 'addr:1.2.3.4');
  holds.ended('b', false);
  assert.equal(holds.refusal('b', 'addr:5.6.7.8'), undefined, 'ended cleanly: free at once');
  holds.published('c', 'addr:1.2.3.4');
  assert.equal(holds.mayTakeOver('c', 'addr:1.2.3.4'), false, 'an address may not take over');
  holds.published('d', 'token:demo');
  assert.equal(holds.mayTakeOver('d', 'token:demo'), true);
});

describe('a vanished publisher keeps its name (relay with tokens)', () => {
  let relay: Relay;
  let key: GeneratedKey;
  let dir: string;
  const sessions: MoqSession[] = [];

  const open = async (token: string): Promise<MoqSession> => {
    const url = `http://127.0.0.1:${relay.port}/?jwt=${token}`;
    const { session } = await connectRelay(url, nodeDialers, { transport: 'quic' });
    sessions.push(session);
    return session;
  };
  const taken = (error: unknown): boolean =>
    error instanceof MoqError && error.code === PublishNamespaceErrorCode.NAMESPACE_TAKEN;

  before(async () => {
    key = await generateKey('ES256', 'holds');
    dir = await mkdtemp(join(tmpdir(), 'name-holds-'));
    relay = await Relay.start({
      port: 0,
      host: '127.0.0.1',
      auth: new Authorizer({ keys: await KeySet.fromJwks([key.publicJwk]) }),
    });
  });

  after(async () => {
    for (const session of sessions) session.close();
    await relay.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a stranger, lets the owner take over, then holds the name after it vanishes', async () => {
    const owner = await signToken(key.privateJwk, { root: 'demo', put: [''] });
    const stranger = await signToken(key.privateJwk, { root: '', put: [''] });
    const tokenFile = join(dir, 'owner.token');
    await writeFile(tokenFile, owner);
    const publisher = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'src/cli/moq-clock.ts'),
        ...['--url', `http://127.0.0.1:${relay.port}/`, '--publish'],
        ...['--namespace', 'demo/show', '--token-file', tokenFile],
      ],
      { cwd: ROOT, stdio: 'ignore' },
    );
    await until('the clock published', () => relay.origin.route(['demo', 'show']), {
      timeoutMs: 30_000,
    });
    const exited = new Promise((resolve) => publisher.once('exit', resolve));
    publisher.kill('SIGKILL'); // no CONNECTION_CLOSE: the relay sees a session go quiet
    await exited;

    const intruder = await open(stranger);
    await assert.rejects(intruder.publish(new BroadcastProducer(['demo', 'show'])), taken);

    const dead = relay.origin.route(['demo', 'show']);
    const returning = await open(owner);
    await returning.publish(new BroadcastProducer(['demo', 'show']));
    const takenOver = relay.origin.route(['demo', 'show']);
    assert.ok(takenOver && takenOver !== dead, 'the owner took its name over at once');
    assert.ok(dead?.isClosed, 'the dead session’s broadcast ended');

    // The owner's session dies too (closed with an error, not a clean end): the name is held.
    returning.close(new MoqError(0x1, 'crashed'));
    await until('the broadcast gone', () => !relay.origin.route(['demo', 'show']), {
      timeoutMs: 15_000,
    });
    await assert.rejects(
      intruder.publish(new BroadcastProducer(['demo', 'show'])),
      (error: unknown) => taken(error) && /held for its publisher/.test((error as Error).message),
    );
    await until(
      'the grace to pass',
      () =>
        intruder.publish(new BroadcastProducer(['demo', 'show'])).then(
          () => true,
          () => false,
        ),
      { timeoutMs: 15_000, intervalMs: 500 },
    );
  });
});
