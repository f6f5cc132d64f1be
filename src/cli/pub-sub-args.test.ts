import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CliError } from './cli-error.js';
import { parsePubArgs, type PubConfig } from './pub-args.js';
import { parseSubArgs, type SubConfig } from './sub-args.js';

const URL_FLAG = ['--url', 'http://127.0.0.1:4443/'];

function pub(args: string[]): PubConfig {
  const command = parsePubArgs([...URL_FLAG, '--name', 'live/demo', ...args]);
  assert.equal(command.kind, 'run');
  return command.config;
}

function sub(args: string[]): SubConfig {
  const command = parseSubArgs([...URL_FLAG, '--name', 'demo', ...args]);
  assert.equal(command.kind, 'run');
  return command.config;
}

function usageError(run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof CliError);
    assert.equal(error.code, 'USAGE');
    assert.match(error.message, pattern);
    return true;
  });
}

describe('moq-pub flags', () => {
  test('a test pattern with defaults', () => {
    const config = pub(['--test-pattern']);
    assert.deepEqual(config.namespace, ['live', 'demo']);
    assert.deepEqual(config.source, { kind: 'test-pattern' });
    assert.equal(config.ladder, undefined);
    assert.equal(config.audio, 'aac');
    assert.equal(config.gopMs, 2000);
    assert.equal(config.preset, undefined);
    assert.equal(config.encoder, 'auto');
    assert.equal(config.transport, 'auto');
  });

  test('--encoder names one H.264 encoder or auto', () => {
    assert.equal(pub(['--test-pattern', '--encoder', 'h264_vaapi']).encoder, 'h264_vaapi');
    assert.equal(pub(['--test-pattern', '--encoder', 'libx264']).encoder, 'libx264');
    assert.throws(() => pub(['--test-pattern', '--encoder', 'h265']), /encoder/);
  });

  test('a looping file, a ladder, a duration', () => {
    const config = pub(['--input', 'a.mp4', '--loop', '--ladder', '720p,360p', '--duration', '5']);
    assert.deepEqual(config.source, { kind: 'file', path: 'a.mp4', loop: true });
    assert.equal(config.ladder, '720p,360p');
    assert.equal(config.durationMs, 5000);
  });

  test("'-' is standard input, passed through unless --transcode", () => {
    assert.deepEqual(pub(['-']).source, { kind: 'stdin', transcode: false });
    assert.deepEqual(pub(['-', '--transcode']).source, { kind: 'stdin', transcode: true });
  });

  test('one source exactly, and flags that go with their source', () => {
    usageError(() => pub([]), /exactly one source/);
    usageError(() => pub(['--test-pattern', '-']), /exactly one source/);
    usageError(() => pub(['--test-pattern', '--loop']), /--loop goes with --input/);
    usageError(() => pub(['--test-pattern', '--transcode']), /--transcode goes with/);
  });

  test('the name is required and has no empty parts', () => {
    usageError(() => parsePubArgs([...URL_FLAG, '--test-pattern']), /--name is required/);
    usageError(() => pub(['--test-pattern', '--name', 'a//b']), /empty part/);
  });

  test('bad values name their flag', () => {
    usageError(() => pub(['--test-pattern', '--audio', 'mp3']), /--audio must be one of/);
    usageError(() => pub(['--test-pattern', '--gop-ms', '10']), /--gop-ms must be between/);
    usageError(() => pub(['--test-pattern', '--preset', 'turbo']), /--preset must be one of/);
    assert.equal(pub(['--test-pattern', '--preset', 'veryfast']).preset, 'veryfast');
    usageError(() => parsePubArgs(['--url', 'ftp://x/', '--name', 'a', '--test-pattern']), /http/);
  });
});

describe('moq-sub flags', () => {
  test('defaults: the highest rendition with audio', () => {
    const config = sub([]);
    assert.equal(config.rendition, undefined);
    assert.equal(config.audio, true);
    assert.equal(config.catalog, false);
  });

  test('a rendition, no audio, a duration, the catalog', () => {
    const config = sub(['--rendition', 'all', '--no-audio', '--duration', '3', '--catalog']);
    assert.equal(config.rendition, 'all');
    assert.equal(config.audio, false);
    assert.equal(config.durationMs, 3000);
    assert.equal(config.catalog, true);
  });

  test('errors', () => {
    usageError(() => parseSubArgs(URL_FLAG), /--name is required/);
    usageError(() => sub(['--rendition', '']), /must not be empty/);
    usageError(() => sub(['--bogus']), /bogus/);
  });
});
