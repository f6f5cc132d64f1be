/** Failures of the latency benchmark, one class per cause so the report can name what broke. */
export class BenchTimeoutError extends Error {
  override readonly name = 'BenchTimeoutError';
  constructor(what: string, ms: number) {
    super(`timed out after ${ms} ms waiting for ${what}`);
  }
}

export class ChildExitedError extends Error {
  override readonly name = 'ChildExitedError';
  constructor(program: string, code: number | null, signal: string | null, stderrTail: string) {
    super(
      `${program} exited (code ${code ?? '-'}, signal ${signal ?? '-'})` +
        (stderrTail ? `:\n${stderrTail}` : ''),
    );
  }
}

export class PlayerError extends Error {
  override readonly name = 'PlayerError';
}

export class MissingComponentError extends Error {
  override readonly name = 'MissingComponentError';
}

export class BundleError extends Error {
  override readonly name = 'BundleError';
}
