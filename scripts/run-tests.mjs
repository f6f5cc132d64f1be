#!/usr/bin/env node
// Runs every *.test.ts under the given folders or files (default: src and e2e) with Node's own
// test runner.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const roots = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('-'));

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

const files = (roots.length ? roots : ['src', 'e2e'])
  .filter((root) => existsSync(root))
  .flatMap((root) => (statSync(root).isDirectory() ? findTests(root) : [root]))
  .sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// The headless-studio tests serve the built pages (out/renderer) and the package test installs the
// compiled lib/; a fresh clone has neither yet.
const built = ['out/renderer/index.html', 'out/player/watch.js', 'lib/cli/run.js'].every((f) =>
  existsSync(f),
);
if (files.some((file) => file.startsWith('e2e')) && !built) {
  const built = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', ...passThrough, ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
