import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { until } from '../async/index.js';
import type { StudioStatus } from './studio-api.js';
import type { StudioClient } from './studio-client.js';
import { studioOverPort } from './studio-port.js';

/** The engine in a worker thread, driven over a real MessagePort (as in the Electron shell). */
describe(
  'StudioApi over a message port, the engine in its own thread',
  { timeout: 120_000 },
  () => {
    let dataDir: string;
    let worker: Worker;
    let studio: StudioClient;
    const statuses: StudioStatus[] = [];

    before(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'moq-studio-port-'));
      worker = new Worker(new URL('./studio-port.fixture.ts', import.meta.url), {
        execArgv: ['--import', 'tsx'],
        workerData: { dataDir },
      });
      studio = studioOverPort({
        post: (message) => worker.postMessage(message),
        onMessage: (listener) => worker.on('message', listener),
        onClose: (listener) => worker.on('exit', listener),
        close: () => void worker.terminate(),
      });
      studio.on('status', (status) => statuses.push(status));
      await until('the engine to answer', () => studio.getVersion().catch(() => undefined), {
        timeoutMs: 30_000,
        intervalMs: 200,
      });
    });

    after(async () => {
      await worker.terminate();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('goes live with the test pattern on the embedded relay and stops', async () => {
      await studio.updateSettings({
        ladder: '360p',
        audio: 'aac',
        relay: { kind: 'embedded', port: 0 },
        broadcastName: 'port/show',
      });
      const live = await studio.goLive();
      assert.equal(live.state, 'live', JSON.stringify(live));
      assert.ok(
        statuses.some((s) => s.state === 'live'),
        'status events cross the port',
      );
      const stopped = await studio.stop();
      assert.equal(stopped.state, 'idle');
    });

    it('a malformed message gets an error reply and the engine stays up', async () => {
      const reply = new Promise<unknown>((resolve) => {
        const onMessage = (message: unknown): void => {
          if (typeof message !== 'string' || !message.includes('"error"')) return;
          worker.off('message', onMessage);
          resolve(JSON.parse(message));
        };
        worker.on('message', onMessage);
      });
      worker.postMessage('{"id": 99, "method": "noSuchMethod", "params": []}');
      const answer = (await reply) as { id: number; error: { code: string } };
      assert.equal(answer.id, 99);
      assert.equal(answer.error.code, 'BAD_PARAMS');
      worker.postMessage({ not: 'a string' });
      assert.equal((await studio.getStatus()).state, 'idle', 'still serving');
    });

    it('the engine dying closes the client; calls then fail with a typed error', async () => {
      await worker.terminate();
      await studio.closed;
      await assert.rejects(async () => studio.getLog(), { code: 'INTERNAL' });
    });
  },
);
