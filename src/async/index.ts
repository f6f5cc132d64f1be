// Waiting, runtime-agnostic (browser + Node): the one `until`, `withTimeout` and abortable wait
// that every layer uses. A leaf: imports nothing from the rest of src.
export { abortable, abortReason, delay } from './abortable.js';
export { settleWithin, TimeoutError, withTimeout } from './timeout.js';
export { until, type UntilOptions } from './until.js';
