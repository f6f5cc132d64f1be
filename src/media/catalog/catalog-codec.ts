import type { Catalog, CatalogTrack } from './catalog-types.js';
import { CatalogError } from './catalog-error.js';
import { catalogSchema, catalogTrackSchema, trackKindSchema } from './catalog-schema.js';

/** The catalog as one MoQ object payload: JSON in UTF-8 (MSF §Catalog). */
export function encodeCatalog(catalog: Catalog): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(catalog));
}

interface Issue {
  path: readonly PropertyKey[];
  message: string;
  code?: string;
  expected?: unknown;
}

/** zod/mini carries no message texts: say what was expected, or which check failed. */
export function describeIssues(error: { issues: readonly Issue[] }): string {
  return error.issues
    .map((i) => {
      const where = i.path.map(String).join('.') || '(root)';
      const what =
        typeof i.expected === 'string' ? `expected ${i.expected}` : (i.code ?? i.message);
      return `${where}: ${what}`;
    })
    .join('; ');
}

/**
 * Reads a catalog object. Tracks we cannot play (another packaging such as `loc`, or a role
 * other than audio and video) are left out; a CMAF media track missing a required field, bad
 * JSON or a catalog without `version`/`tracks` is a CatalogError('MALFORMED').
 */
export function decodeCatalog(bytes: Uint8Array): Catalog {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new CatalogError('MALFORMED', `catalog is not UTF-8 JSON: ${String(error)}`);
  }
  const root = catalogSchema.safeParse(json);
  if (!root.success) throw new CatalogError('MALFORMED', describeIssues(root.error));
  const tracks: CatalogTrack[] = [];
  root.data.tracks.forEach((entry, i) => {
    const kind = trackKindSchema.safeParse(entry);
    if (!kind.success)
      throw new CatalogError('MALFORMED', `tracks.${i}: ${describeIssues(kind.error)}`);
    if (
      kind.data.packaging !== 'cmaf' ||
      (kind.data.role !== 'video' && kind.data.role !== 'audio')
    )
      return;
    const track = catalogTrackSchema.safeParse(entry);
    if (!track.success)
      throw new CatalogError('MALFORMED', `tracks.${i}: ${describeIssues(track.error)}`);
    tracks.push(track.data);
  });
  return { version: 1, generatedAt: root.data.generatedAt ?? 0, tracks };
}
