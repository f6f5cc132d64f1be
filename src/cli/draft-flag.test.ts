// `--draft N` on the client tools: flags parsed, and a draft-16 moq-clock publisher read by a
// draft-14 moq-clock subscriber through the relay (real processes, real QUIC).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { until } from '../async/index.js';
import { Relay } from '../relay/index.js';
import { CliError } from './cli-error.js';
import { parseClockArgs } from './clock-args.js';
import { parseSubArgs } from './sub-args.js';

const ROOT = join(import.meta.dirname, '..', '..');

test('--draft pins one draft; an unknown one is a usage error', () => {
  const clock = parseClockArgs(['--url', 'http://h:1/', '--subscribe', '--draft', '16']);
  assert.ok(clock.kind === 'run' && clock.config.protocols?.includes('moqt-16'));
  assert.ok(clock.kind === 'run' && !clock.config.protocols?.includes('moq-00'));
  const sub = parseSubArgs(['--url', 'http://h:1/', '--name', 'x']);
  assert.ok(sub.kind === 'run' && sub.config.protocols === undefined, 'default: every draft');
  for (const bad of ['15', '17', 'x']) {
    assert.throws(
      () => parseClockArgs(['--url', 'http://h:1/', '--subscribe', '--draft', bad]),
      (e: unknown) => e instanceof CliError && e.code === 'USAGE',
    );
  }
});

let relay: Relay;
before(async () => {
  relay = await Relay.start({ port: 0, host: '127.0.0.1' });
});
after(async () => {
  await relay.close();
});

/** moq-clock publishing on one draft and subscribing on another, through the relay. */
async function clockThroughRelay(
  namespace: string,
  publishDraft: string,
  subscribeDraft: string,
): Promise<void> {
  const url = `http://127.0.0.1:${relay.port}/`;
  const clock = (args: string[]) =>
    spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'src/cli/moq-clock.ts'), '--url', url, ...args],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] },
    );
  const publisher = clock(['--publish', '--namespace', namespace, '--draft', publishDraft]);
  // A subscriber that comes before the broadcast is refused and exits: start it after.
  await until(
    `the draft-${publishDraft} publisher announced`,
    () => relay.origin.route(namespace.split('/')),
    { timeoutMs: 30_000 },
  );
  const subscriber = clock(['--subscribe', '--namespace', namespace, '--draft', subscribeDraft]);
  try {
    const lines: string[] = [];
    createInterface({ input: subscriber.stdout }).on('line', (line) => lines.push(line));
    await until('two timestamps through the relay', () => lines.length >= 2, { timeoutMs: 30_000 });
    assert.match(lines[0] ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
  } finally {
    publisher.kill('SIGINT');
    subscriber.kill('SIGINT');
  }
}

test('a draft-16 publisher and a draft-14 subscriber meet through the relay', () =>
  clockThroughRelay('drafts/clock', '16', '14'));

test('moq-clock --draft 18: publish and subscribe through the relay', () =>
  clockThroughRelay('d18/clock', '18', '18'));
