/** OBS-style reconnect delays: 2 s first, ×1.5 each attempt, capped at 30 s. */
export interface Backoff {
  firstMs: number;
  factor: number;
  capMs: number;
}

export const BACKOFF: Backoff = { firstMs: 2000, factor: 1.5, capMs: 30_000 };

/** The wait before reconnect attempt `attempt` (1-based). */
export function backoffMs(attempt: number, backoff = BACKOFF): number {
  const raw = backoff.firstMs * backoff.factor ** Math.max(0, attempt - 1);
  return Math.min(backoff.capMs, Math.round(raw));
}
