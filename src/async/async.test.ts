import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { abortable, delay, settleWithin, TimeoutError, until, withTimeout } from './index.js';

describe('async', () => {
  it('until returns the probe value once it holds', async () => {
    let calls = 0;
    const value = await until('third call', () => (++calls >= 3 ? calls : undefined), {
      intervalMs: 1,
    });
    assert.equal(value, 3);
  });

  it('until names what it waited for and the last error when it times out', async () => {
    await assert.rejects(
      until(
        'the impossible',
        () => {
          throw new Error('not yet');
        },
        { timeoutMs: 30, intervalMs: 5 },
      ),
      (error: unknown) =>
        error instanceof TimeoutError &&
        /the impossible/.test(error.message) &&
        /not yet/.test(error.message),
    );
  });

  it('withTimeout rejects late work and passes prompt work through', async () => {
    assert.equal(await withTimeout(Promise.resolve(7), 1000, 'prompt'), 7);
    await assert.rejects(withTimeout(new Promise(() => {}), 20, 'late'), (error: unknown) => {
      return error instanceof TimeoutError && error.code === 'TIMEOUT';
    });
  });

  it('settleWithin never throws and says whether the work settled', async () => {
    assert.equal(await settleWithin(Promise.reject(new Error('x')), 1000), true);
    assert.equal(await settleWithin(new Promise(() => {}), 20), false);
  });

  it('abortable and delay reject with the abort reason', async () => {
    const controller = new AbortController();
    const waiting = abortable(new Promise(() => {}), controller.signal);
    const sleeping = delay(10_000, controller.signal);
    controller.abort(new Error('stopped'));
    await assert.rejects(waiting, /stopped/);
    await assert.rejects(sleeping, /stopped/);
  });
});
