import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffMs } from './backoff.js';
import { GoLiveMachine, canTransition } from './go-live-machine.js';
import { STUDIO_STATES, type StudioStatus } from './studio-api.js';

describe('GoLiveMachine', () => {
  it('walks idle → checking → starting → live → reconnecting → live → stopping → idle', () => {
    const seen: StudioStatus[] = [];
    let now = 1000;
    const machine = new GoLiveMachine(
      (status) => seen.push(status),
      () => now,
    );
    const path = [
      ['checking', 'Go live pressed'],
      ['starting', 'relay answered'],
      ['live', 'first group out'],
      ['reconnecting', 'session lost'],
      ['live', 'reconnected'],
      ['stopping', 'Stop pressed'],
      ['idle', 'stopped'],
    ] as const;
    for (const [state, reason] of path) {
      now += 10;
      machine.transition(state, reason);
    }
    assert.deepEqual(
      seen.map((s) => [s.state, s.reason]),
      path.map(([state, reason]) => [state, reason]),
    );
    const firstLive = seen[2];
    assert.equal(firstLive?.liveSince, 1030);
    assert.equal(seen[4]?.liveSince, 1030, 'liveSince survives a reconnect');
    assert.equal(seen[6]?.liveSince, undefined);
    assert.equal(seen[6]?.since, 1070);
  });

  it('clears the checklist when a broadcast ends, keeps it when going live fails', () => {
    const machine = new GoLiveMachine(() => undefined);
    machine.transition('checking', 'Go live pressed');
    for (const item of machine.status.checklist) machine.step(item.step, 'done');
    machine.transition('starting', 'relay answered');
    machine.transition('live', 'first group out');
    machine.transition('stopping', 'Stop pressed');
    assert.ok(machine.status.checklist.every((item) => item.status === 'done'));
    machine.transition('idle', 'stopped');
    assert.ok(machine.status.checklist.every((item) => item.status === 'pending'));

    machine.transition('checking', 'Go live pressed');
    machine.step('relay', 'failed', 'unreachable');
    machine.transition('idle', 'going live failed');
    assert.equal(machine.status.checklist[0]?.status, 'failed', 'the failed step stays visible');
  });

  it('rejects illegal transitions with a typed error and changes nothing', () => {
    const machine = new GoLiveMachine(() => undefined);
    const before = machine.status;
    for (const to of ['starting', 'live', 'reconnecting', 'stopping', 'idle'] as const) {
      assert.throws(() => machine.transition(to, 'x'), { code: 'ILLEGAL_TRANSITION' });
    }
    assert.deepEqual(machine.status, before);
    machine.transition('checking', 'go');
    assert.throws(() => machine.transition('reconnecting', 'x'), {
      code: 'ILLEGAL_TRANSITION',
      message: 'cannot go from checking to reconnecting (x)',
    });
    assert.throws(() => machine.expect(['reconnecting'], 'retry now'), {
      message: 'cannot retry now while checking',
    });
  });

  it('allows exactly the documented transitions', () => {
    const allowed = STUDIO_STATES.flatMap((from) =>
      STUDIO_STATES.filter((to) => canTransition(from, to)).map((to) => `${from}>${to}`),
    );
    assert.deepEqual(allowed, [
      'idle>checking',
      'checking>idle',
      'checking>starting',
      'checking>stopping',
      'starting>idle',
      'starting>live',
      'starting>stopping',
      'live>reconnecting',
      'live>stopping',
      'reconnecting>live',
      'reconnecting>stopping',
      'stopping>idle',
    ]);
  });

  it('tracks the checklist, the failing step and the error; a new attempt resets them', () => {
    const machine = new GoLiveMachine(() => undefined);
    machine.transition('checking', 'go');
    machine.step('relay', 'done', 'http://r');
    machine.failPending('name taken');
    machine.fail({ code: 'NAME_TAKEN', message: 'taken', hint: 'pick another' });
    machine.transition('idle', 'failed');
    const failed = machine.status;
    assert.deepEqual(failed.checklist.slice(0, 2), [
      { step: 'relay', status: 'done', detail: 'http://r' },
      { step: 'announced', status: 'failed', detail: 'name taken' },
    ]);
    assert.equal(failed.error?.code, 'NAME_TAKEN');
    machine.transition('checking', 'again');
    const fresh = machine.status;
    assert.equal(fresh.error, undefined);
    assert.ok(fresh.checklist.every((item) => item.status === 'pending'));
  });

  it('hands out copies', () => {
    const machine = new GoLiveMachine(() => undefined);
    const status = machine.status;
    status.checklist.length = 0;
    assert.equal(machine.status.checklist.length, 5);
  });
});

describe('reconnect backoff', () => {
  it('is 2 s, then ×1.5, capped at 30 s', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((attempt) => backoffMs(attempt));
    assert.deepEqual(delays, [2000, 3000, 4500, 6750, 10125, 15188, 22781, 30000, 30000]);
  });
});
