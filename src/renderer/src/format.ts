/** Display formats shared by the studio panels. */

export function formatBitrate(bps: number | null | undefined): string {
  if (bps === null || bps === undefined) return '—';
  if (bps >= 1e6) return `${(bps / 1e6).toFixed(bps >= 1e7 ? 1 : 2)} Mb/s`;
  if (bps >= 1e3) return `${Math.round(bps / 1e3)} kb/s`;
  return `${Math.round(bps)} b/s`;
}

export function formatNumber(value: number | null | undefined, digits = 0, unit = ''): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${value.toFixed(digits)}${unit}`;
}

/** hh:mm:ss (or mm:ss under an hour) of a duration. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

export function formatClock(time: number): string {
  const d = new Date(time);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** The text of a rejected command: the engine's message, then its hint when it has one. */
export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const hint = (error as Error & { hint?: unknown }).hint;
    // Electron IPC prefixes the remote message; the user needs only the engine's words.
    const message = error.message.replace(
      /^Error invoking remote method '[^']+': (\w*Error: )?/,
      '',
    );
    return typeof hint === 'string' && hint !== '' ? `${message} — ${hint}` : message;
  }
  return String(error);
}
