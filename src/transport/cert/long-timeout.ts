/** The largest delay `setTimeout` honours; longer ones fire after 1 ms instead. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** Cancels a pending long timeout; safe to call more than once. */
export type CancelTimeout = () => void;

/**
 * `setTimeout` for any delay: waits in hops of at most 2^31-1 ms, so a certificate expiring in
 * more than ~24.8 days is not rotated immediately. Timers are unref'd: a pending rotation alone
 * must not keep the process alive.
 */
export function setLongTimeout(callback: () => void, delayMs: number): CancelTimeout {
  let timer: NodeJS.Timeout | undefined;
  const deadline = Date.now() + Math.max(0, delayMs);
  const arm = (): void => {
    const remaining = deadline - Date.now();
    if (remaining > MAX_TIMER_DELAY_MS) {
      timer = setTimeout(arm, MAX_TIMER_DELAY_MS);
    } else {
      timer = setTimeout(callback, Math.max(0, remaining));
    }
    timer.unref();
  };
  arm();
  return () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
}
