import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SETTINGS_FILE, SettingsStore } from './settings-store.js';
import { DEFAULT_SETTINGS } from './studio-api.js';

describe('SettingsStore', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'studio-settings-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  it('starts from the defaults, persists updates, reloads them', async () => {
    const warnings: string[] = [];
    const store = await SettingsStore.open(dir, (m) => warnings.push(m));
    assert.deepEqual(store.current, DEFAULT_SETTINGS);
    await store.update({ ladder: '720p', relay: { kind: 'remote', url: 'http://r:1/' } });
    const again = await SettingsStore.open(dir, (m) => warnings.push(m));
    assert.equal(again.current.ladder, '720p');
    assert.deepEqual(again.current.relay, { kind: 'remote', url: 'http://r:1/' });
    assert.deepEqual(warnings, []);
  });

  it('refuses an invalid patch without changing the file', async () => {
    const store = await SettingsStore.open(dir, () => undefined);
    const text = await readFile(join(dir, SETTINGS_FILE), 'utf8');
    await assert.rejects(store.update({ gopMs: 5 }), {
      code: 'BAD_SETTINGS',
      message: /^gopMs: /,
    });
    assert.equal(await readFile(join(dir, SETTINGS_FILE), 'utf8'), text);
  });

  it('a corrupt or invalid file means defaults and a warning', async () => {
    for (const content of ['{ not json', JSON.stringify({ ...DEFAULT_SETTINGS, audio: 'mp3' })]) {
      await writeFile(join(dir, SETTINGS_FILE), content);
      const warnings: string[] = [];
      const store = await SettingsStore.open(dir, (m) => warnings.push(m));
      assert.deepEqual(store.current, DEFAULT_SETTINGS);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0] ?? '', /using the default settings/);
    }
  });
});
