import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryBudget } from './memory-budget.js';
import { TrackProducer } from './track.js';

const KiB = 1024;

/** A track charging `budget` through an account of its own; `told` lists over-budget reasons. */
function trackOver(budget: MemoryBudget, name: string): { track: TrackProducer; told: string[] } {
  const told: string[] = [];
  const account = budget.account(name, (reason) => told.push(reason));
  return { track: new TrackProducer(name, { budget: account, cacheGroups: 100 }), told };
}

function writeGroup(track: TrackProducer, sizeBytes: number): void {
  const group = track.createGroup();
  group.write(new Uint8Array(sizeBytes));
  group.close();
}

const cachedIds = (track: TrackProducer): number[] => track.cachedGroups.map((g) => g.groupId);

test('over the budget, the track caching the most gives back its oldest groups, not a small one beside it', () => {
  const budget = new MemoryBudget(1024 * KiB);
  const small = trackOver(budget, 'audio');
  const big = trackOver(budget, 'video');
  // The small track's groups are the oldest in the relay; dropping them would free 100 bytes.
  for (let g = 0; g < 5; g++) writeGroup(small.track, 20);
  for (let g = 0; g < 6; g++) writeGroup(big.track, 256 * KiB);

  assert.deepEqual(cachedIds(small.track), [0, 1, 2, 3, 4], 'the small track keeps every group');
  assert.deepEqual(cachedIds(big.track), [3, 4, 5], 'the big one is back under the limit');
  assert.ok(budget.usedBytes <= budget.limitBytes, `${budget.usedBytes} bytes held`);
  assert.equal(budget.evictions, 3);
  assert.deepEqual([small.told, big.told], [[], []], 'evicting was enough: no session told to go');
});

test('between two large caches the larger goes first; a single group is never taken', () => {
  const budget = new MemoryBudget(1000 * KiB);
  const a = trackOver(budget, 'a');
  const b = trackOver(budget, 'b');
  writeGroup(a.track, 300 * KiB);
  writeGroup(a.track, 300 * KiB);
  writeGroup(b.track, 100 * KiB);
  writeGroup(b.track, 100 * KiB);
  writeGroup(b.track, 100 * KiB);
  // 900 KiB held; 200 more: a holds 300 evictable, b 200 — a's oldest goes.
  writeGroup(b.track, 200 * KiB);
  assert.deepEqual(cachedIds(a.track), [1]);
  assert.deepEqual(cachedIds(b.track), [0, 1, 2, 3]);

  // 700 KiB more: the caches could give back 300 KiB, not the 500 over — they are left whole and
  // the session holding the most is told to go.
  const c = trackOver(budget, 'c');
  writeGroup(c.track, 700 * KiB);
  assert.deepEqual(cachedIds(b.track), [0, 1, 2, 3], 'no group dropped in vain');
  assert.ok(c.told.length === 1 && a.told.length === 0, 'the greediest session is told to go');
  assert.equal(cachedIds(c.track).length, 1, 'its only group stays cached');
  assert.equal(budget.evictions, 1);
});

test('partial objects filling the budget cost a small cache beside them nothing', () => {
  const budget = new MemoryBudget(1024 * KiB);
  const small = trackOver(budget, 'audio');
  for (let g = 0; g < 5; g++) writeGroup(small.track, 20);
  const told: string[] = [];
  const greedy = budget.account('greedy', (reason) => told.push(reason));
  // A session's data streams holding partial objects, charged as they arrive.
  for (let i = 0; i < 5; i++) greedy.charge(256 * KiB);
  assert.equal(told.length, 1, 'the session holding the most is told to go');
  assert.match(told[0] ?? '', /memory budget/);
  // It keeps sending until its close takes effect: still nothing dropped.
  greedy.charge(256 * KiB);
  assert.equal(told.length, 1, 'told once');
  assert.deepEqual(cachedIds(small.track), [0, 1, 2, 3, 4]);
  assert.equal(budget.evictions, 0);
  greedy.close();
  assert.equal(budget.usedBytes, 100);
});
