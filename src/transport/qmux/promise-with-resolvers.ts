/**
 * `Promise.withResolvers` (ES2024) for Node 20, which lacks it: @moq/qmux calls it for every
 * session. Installs nothing where the runtime already has it, so importing this twice is harmless.
 */

interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

function withResolvers<T>(this: PromiseConstructor): Resolvers<T> {
  let resolve!: Resolvers<T>['resolve'];
  let reject!: Resolvers<T>['reject'];
  // `this` keeps subclass construction working, as the standard method does.
  const promise = new this<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const promiseConstructor = Promise as PromiseConstructor & { withResolvers?: unknown };
if (typeof promiseConstructor.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    value: withResolvers,
    writable: true,
    configurable: true,
  });
}
