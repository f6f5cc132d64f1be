import type { RelayLogger } from './relay-options.js';

/**
 * A logger whose every line carries `bindings` (the session id, transport, …): pino's child
 * logger where the logger is pino, otherwise the fields merged into each call.
 */
export function sessionLogger(log: RelayLogger, bindings: Record<string, unknown>): RelayLogger {
  if (log.child) return log.child(bindings);
  return {
    info: (fields, message) => log.info({ ...bindings, ...fields }, message),
    warn: (fields, message) => log.warn({ ...bindings, ...fields }, message),
  };
}
