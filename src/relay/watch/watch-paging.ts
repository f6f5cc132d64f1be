/** One page of the broadcast list. */
export interface WatchPage {
  names: string[];
  offset: number;
  limit: number;
  total: number;
  /** The `?offset=&limit=` of the next page, when there is one. */
  next: string | undefined;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/**
 * Cuts the sorted names to the page `?offset=&limit=` asks for (limit defaults to 100, at most
 * 1000; bad numbers fall back to the defaults), so a relay with 10,000 broadcasts never renders
 * them all for one request.
 */
export function pageOf(sorted: readonly string[], target: string): WatchPage {
  const query = new URL(target, 'http://relay').searchParams;
  const offset = whole(query.get('offset'), 0, 0, Number.MAX_SAFE_INTEGER);
  const limit = whole(query.get('limit'), DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
  const names = sorted.slice(offset, offset + limit);
  const end = offset + names.length;
  return {
    names,
    offset,
    limit,
    total: sorted.length,
    next: end < sorted.length ? `?offset=${end}&limit=${limit}` : undefined,
  };
}

function whole(text: string | null, fallback: number, min: number, max: number): number {
  if (text === null || !/^\d+$/.test(text)) return fallback;
  return Math.min(max, Math.max(min, Number(text)));
}
