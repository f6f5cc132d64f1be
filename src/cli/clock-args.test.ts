import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CliError } from './cli-error.js';
import { parseClockArgs, type ClockConfig } from './clock-args.js';
import { formatTime } from './moq-clock.js';

function config(argv: string[]): ClockConfig {
  const command = parseClockArgs(argv);
  assert.equal(command.kind, 'run');
  return command.config;
}

function usageError(argv: string[], message: RegExp): void {
  assert.throws(
    () => parseClockArgs(argv),
    (error: unknown) =>
      error instanceof CliError && error.code === 'USAGE' && message.test(error.message),
  );
}

test('defaults: namespace clock, track seconds, transport auto', () => {
  const parsed = config(['--url', 'http://127.0.0.1:4443/', '--subscribe']);
  assert.equal(parsed.url.href, 'http://127.0.0.1:4443/');
  assert.equal(parsed.mode, 'subscribe');
  assert.deepEqual(parsed.namespace, ['clock']);
  assert.equal(parsed.track, 'seconds');
  assert.equal(parsed.transport, 'auto');
});

test('namespace parts split on /; transport is checked', () => {
  const parsed = config([
    '--url=https://relay.example/',
    '--publish',
    '--namespace',
    'demo/clock',
    '--track',
    'secs',
    '--transport',
    'websocket',
  ]);
  assert.deepEqual(parsed.namespace, ['demo', 'clock']);
  assert.equal(parsed.mode, 'publish');
  usageError(['--url', 'http://x/', '--publish', '--transport', 'carrier-pigeon'], /--transport/);
  usageError(['--url', 'http://x/', '--publish', '--namespace', 'a//b'], /empty part/);
});

test('exactly one of --publish and --subscribe, and a usable --url', () => {
  usageError(['--url', 'http://x/'], /exactly one/);
  usageError(['--url', 'http://x/', '--publish', '--subscribe'], /exactly one/);
  usageError(['--publish'], /--url is required/);
  usageError(['--url', 'not a url', '--publish'], /not a URL/);
  usageError(['--url', 'moqt://x/', '--publish'], /http:\/\/ or https:\/\//);
});

test('the clock payload is YYYY-MM-DD HH:MM:SS in local time', () => {
  assert.equal(formatTime(new Date(2026, 10, 2, 4, 3, 7)), '2026-11-02 04:03:07');
});
