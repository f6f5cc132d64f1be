import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { pino } from 'pino';
import { Relay } from './relay.js';
import { join, publisher, until, writeGroups } from './relay-test-kit.js';

test('every log line about a session carries its id (pino child loggers)', async () => {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n'))
        if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const relay = await Relay.start({ port: 0, host: '127.0.0.1', logger: pino(sink) });
  const pub = await publisher(relay, ['logs'], 'video');
  const viewer = await join(relay, 'websocket');
  await viewer.subscribe(['logs'], 'video');
  await writeGroups(pub.track, 2, 2);
  viewer.close();
  pub.session.close();
  await until(() => lines.filter((l) => l.msg === 'session closed').length === 2);
  await until(() => lines.some((l) => l.msg === 'broadcast ended'));
  await relay.close();
  const about = lines.filter((l) => /session|broadcast/.test(String(l.msg)));
  assert.ok(about.length >= 6, JSON.stringify(lines));
  for (const line of about) assert.equal(typeof line.session, 'number', JSON.stringify(line));
  const opens = about.filter((l) => l.msg === 'session open');
  assert.deepEqual(new Set(opens.map((l) => l.transport)), new Set(['webtransport', 'qmux']));
  const announced = about.find((l) => l.msg === 'broadcast announced');
  assert.equal(announced?.session, opens[0]?.session, 'the publisher’s session id');
});
