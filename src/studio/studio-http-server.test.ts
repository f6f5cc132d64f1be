import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { until } from '../async/index.js';
import { promisify } from 'node:util';
import { WebSocket } from 'ws';
import type { StudioLogEntry, StudioStats, StudioStatus } from './studio-api.js';
import { StudioClient, type WebSocketConstructor } from './studio-client.js';
import { StudioHttpServer } from './studio-http-server.js';
import { servedStudio, upgradeStatusOf, type ServedStudio } from './served-studio-test-kit.js';
import { tempStudio } from './studio-test-kit.js';

const TOKEN = 'test-token-0123456789';
const Socket = WebSocket as unknown as WebSocketConstructor;

/** The HTTP status a WebSocket upgrade to `path` gets (101 when accepted). */
function upgradeStatus(port: number, path: string): Promise<number> {
  return upgradeStatusOf(`ws://127.0.0.1:${port}${path}`);
}

/** Sends one raw text frame and returns the parsed reply. */
function rawRequest(port: number, text: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${TOKEN}`);
    ws.on('open', () => ws.send(text));
    ws.on('message', (data) => {
      const message = JSON.parse((data as Buffer).toString()) as Record<string, unknown>;
      if ('event' in message) return;
      ws.close();
      resolve(message);
    });
    ws.on('error', reject);
  });
}

describe('headless studio server: StudioApi over a WebSocket', { timeout: 120_000 }, () => {
  let served: ServedStudio;
  let server: StudioHttpServer;
  let client: StudioClient;
  let rendererDir: string;

  before(async () => {
    served = await servedStudio(TOKEN, { 'app.js': 'console.log(1)' });
    ({ server, client, rendererDir } = served);
  });
  after(() => served.close());

  it('refuses API connections without the right token (401)', async () => {
    assert.equal(await upgradeStatus(server.port, '/api'), 401);
    assert.equal(await upgradeStatus(server.port, '/api?token=wrong'), 401);
    assert.equal(await upgradeStatus(server.port, `/api?token=${TOKEN}x`), 401);
    assert.equal(await upgradeStatus(server.port, `/other?token=${TOKEN}`), 404);
    assert.equal(await upgradeStatus(server.port, `/api?token=${TOKEN}`), 101);
    await assert.rejects(
      StudioClient.fromPage(`http://127.0.0.1:${server.port}/?token=nope`, { WebSocket: Socket }),
      { code: 'RELAY_UNREACHABLE' },
    );
  });

  it('runs commands', async () => {
    const version = await client.getVersion();
    assert.equal(version.app, 'test');
    assert.equal(version.node, process.versions.node);
    const settings = await client.updateSettings({ ladder: '360p', audio: 'none' });
    assert.equal(settings.ladder, '360p');
    assert.deepEqual(await client.getSettings(), settings);
    assert.equal((await client.getStatus()).state, 'idle');
    const log = await client.getLog();
    assert.equal(log.at(-1)?.message, 'settings changed: ladder, audio');
    assert.equal(log.at(-1)?.level, 'info');
  });

  it('rejects bad parameters with the schema’s reason, and unknown methods', async () => {
    await assert.rejects(client.updateSettings({ ladder: 5 } as never), {
      code: 'BAD_PARAMS',
      message: /^updateSettings: invalid parameters at 0\.ladder: /,
    });
    await assert.rejects(client.updateSettings({ colour: 'red' } as never), {
      code: 'BAD_PARAMS',
    });
    await assert.rejects(
      client.updateSettings({ relay: { kind: 'embedded', port: 70_000 } } as never),
      { code: 'BAD_PARAMS', message: /0\.relay\.port/ },
    );
    const unknown = await rawRequest(server.port, '{"id":7,"method":"format","params":[]}');
    assert.deepEqual(unknown['error'], {
      code: 'BAD_PARAMS',
      message: 'unknown method "format"',
      hint: 'see StudioApi',
    });
    assert.equal(unknown['id'], 7);
    const notJson = await rawRequest(server.port, 'hello');
    assert.equal((notJson['error'] as { code: string }).code, 'BAD_PARAMS');
    const extra = await rawRequest(server.port, '{"id":8,"method":"goLive","params":[1]}');
    assert.equal((extra['error'] as { code: string }).code, 'BAD_PARAMS');
  });

  it('pushes status, stats and log events while going live, and stops', async () => {
    await client.updateSettings({ relay: { kind: 'embedded', port: 0 }, broadcastName: 'ws' });
    const states: string[] = [];
    const stats: StudioStats[] = [];
    const logs: StudioLogEntry[] = [];
    client.on('status', (s: StudioStatus) => states.push(s.state));
    client.on('stats', (s) => stats.push(s));
    client.on('log', (l) => logs.push(l));
    const live = await client.goLive();
    assert.equal(live.state, 'live', JSON.stringify(live));
    await until('stats with a bitrate', () =>
      stats.some((s) => s.state === 'live' && (s.renditions[0]?.bitrateBps ?? 0) > 0),
    );
    assert.equal((await client.stop()).state, 'idle');
    assert.deepEqual([...new Set(states)], ['checking', 'starting', 'live', 'stopping', 'idle']);
    assert.ok(logs.some((l) => l.message.startsWith('live: http://127.0.0.1:')));
  });

  it('takes camera chunks as binary frames (a VP8 WebM like MediaRecorder makes)', async () => {
    const webm = join(rendererDir, 'capture.webm');
    await promisify(execFile)('ffmpeg', [
      ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30', '-t', '4'],
      ...['-c:v', 'libvpx', '-deadline', 'realtime', '-b:v', '500k', '-g', '30', '-y', webm],
    ]);
    const bytes = await readFile(webm);
    await client.updateSettings({ source: { kind: 'camera' }, broadcastName: 'cam' });
    for (let at = 0; at < bytes.length; at += 16_384) {
      await client.pushChunk(new Uint8Array(bytes.subarray(at, at + 16_384)));
    }
    const live = await client.goLive();
    assert.equal(live.state, 'live', JSON.stringify(live));
    assert.equal(live.checklist.find((c) => c.step === 'encoder')?.detail, 'source');
    assert.equal((await client.stop()).state, 'idle');
    await client.updateSettings({ source: { kind: 'test-pattern' } });
  });

  it('reports a chunk the studio cannot take on the same socket', async () => {
    const errors: string[] = [];
    const off = client.on('log', (l) => {
      if (l.level === 'error') errors.push(l.message);
    });
    await client.pushChunk(new Uint8Array([1, 2, 3]));
    const deadline = Date.now() + 5000;
    while (errors.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    off();
    assert.match(errors[0] ?? '', /^pushChunk: the source is test-pattern/);
  });

  it('serves the renderer, falls back to index.html, never outside its folder', async () => {
    const base = `http://127.0.0.1:${server.port}`;
    const page = await fetch(`${base}/?token=${TOKEN}`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self';/);
    assert.match(await page.text(), /<title>studio<\/title>/);
    const script = await fetch(`${base}/app.js`);
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
    assert.equal(await script.text(), 'console.log(1)');
    const escape = await fetch(`${base}/..%2F..%2Fetc%2Fpasswd`);
    assert.doesNotMatch(await escape.text(), /root:/);
  });
});

describe('headless studio server without a built renderer', () => {
  it('answers 503 with how to build it', async () => {
    const { studio, dispose } = await tempStudio();
    const server = await StudioHttpServer.listen({
      api: studio,
      host: '127.0.0.1',
      port: 0,
      token: TOKEN,
      rendererDir: join(tmpdir(), 'no-such-renderer-dir'),
    });
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/`);
      assert.equal(response.status, 503);
      assert.match(await response.text(), /npm run build/);
    } finally {
      await server.close();
      await dispose();
    }
  });
});
