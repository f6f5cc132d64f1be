import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { until } from '../async/index.js';
import { SETTINGS_FILE, SettingsStore } from './settings-store.js';
import type { StudioStats } from './studio-api.js';
import type { StudioClient } from './studio-client.js';
import { MAX_API_FRAME_BYTES, StudioHttpServer } from './studio-http-server.js';
import { servedStudio, upgradeStatusOf, type ServedStudio } from './served-studio-test-kit.js';

const TOKEN = 'hardening-token-0123456789';

/** Opens /api, sends one frame, and resolves with the close code the studio answered with. */
function closeCodeAfter(port: number, send: (ws: WebSocket) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${TOKEN}`);
    ws.on('open', () => send(ws));
    ws.on('close', (code) => resolve(code));
    ws.on('error', (error) => {
      // The studio may cut the socket while our big frame is still going out.
      if (!/ECONNRESET|EPIPE|WebSocket was closed/.test(error.message)) reject(error);
    });
  });
}

/** The HTTP status an upgrade to /api gets with these headers (101 when accepted). */
function upgradeStatus(port: number, headers: Record<string, string>): Promise<number> {
  return upgradeStatusOf(`ws://127.0.0.1:${port}/api?token=${TOKEN}`, headers);
}

describe('headless studio: hostile API clients', { timeout: 180_000 }, () => {
  let served: ServedStudio;
  let server: StudioHttpServer;
  let client: StudioClient;

  before(async () => {
    served = await servedStudio(TOKEN);
    ({ server, client } = served);
  });
  after(() => served.close());

  it('a 17 MiB frame and an invalid-UTF-8 frame close only their own socket; live goes on', async () => {
    await client.updateSettings({ relay: { kind: 'embedded', port: 0 }, broadcastName: 'hard' });
    const live = await client.goLive();
    assert.equal(live.state, 'live', JSON.stringify(live));
    const stats: StudioStats[] = [];
    const off = client.on('stats', (s) => stats.push(s));

    const big = new Uint8Array(17 * 1024 * 1024);
    assert.ok(big.length > MAX_API_FRAME_BYTES);
    assert.equal(await closeCodeAfter(server.port, (ws) => ws.send(big)), 1009);
    const notUtf8 = Buffer.from([0x7b, 0xff, 0xfe, 0xfd, 0x7d]);
    assert.equal(
      await closeCodeAfter(server.port, (ws) => ws.send(notUtf8, { binary: false })),
      1007,
    );

    // The other socket and the broadcast never noticed.
    assert.equal((await client.getStatus()).state, 'live');
    const seen = stats.length;
    await until('stats still flowing after the bad frames', () =>
      stats.slice(seen).some((s) => s.state === 'live' && (s.renditions[0]?.bitrateBps ?? 0) > 0),
    );
    off();
    assert.equal((await client.stop()).state, 'idle');
  });

  it('refuses /api from another origin or host name with 403', async () => {
    const port = server.port;
    const own = `127.0.0.1:${port}`;
    assert.equal(await upgradeStatus(port, { origin: 'http://evil.example' }), 403);
    assert.equal(await upgradeStatus(port, { origin: `http://${own}.evil.example` }), 403);
    // DNS rebinding: an attacker's name resolved to loopback carries its own Host.
    assert.equal(
      await upgradeStatus(port, {
        host: `evil.example:${port}`,
        origin: `http://evil.example:${port}`,
      }),
      403,
    );
    assert.equal(await upgradeStatus(port, { host: `evil.example:${port}` }), 403);
    assert.equal(await upgradeStatus(port, { origin: `http://${own}` }), 101);
    assert.equal(
      await upgradeStatus(port, { host: `localhost:${port}`, origin: `http://localhost:${port}` }),
      101,
    );
    assert.equal(await upgradeStatus(port, {}), 101);
  });
});

describe('settings file permissions', () => {
  it('writes settings.json 0600 in a 0700 folder it creates, and tightens an old file', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'studio-perms-'));
    try {
      const dir = join(parent, 'nested', 'moq-studio');
      const store = await SettingsStore.open(dir, () => undefined);
      await store.update({ broadcastName: 'secret-holder' });
      assert.equal((await stat(join(dir, SETTINGS_FILE))).mode & 0o777, 0o600);
      assert.equal((await stat(dir)).mode & 0o777, 0o700);

      const old = join(parent, 'old');
      await SettingsStore.open(old, () => undefined);
      await writeFile(join(old, SETTINGS_FILE), '{}', { mode: 0o644 });
      await SettingsStore.open(old, () => undefined);
      assert.equal((await stat(join(old, SETTINGS_FILE))).mode & 0o777, 0o600);
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});
