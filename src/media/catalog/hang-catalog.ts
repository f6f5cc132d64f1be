import type { Catalog, CatalogTrack, TrackRole } from './catalog-types.js';
import { CatalogError } from './catalog-error.js';
import { describeIssues } from './catalog-codec.js';
import {
  hangAudioConfigSchema,
  hangCmafContainerSchema,
  hangContainerKindSchema,
  hangRootSchema,
  hangSectionSchema,
  hangVideoConfigSchema,
} from './hang-catalog-schema.js';

/** The hang catalog's track (`@moq/hang` `catalog.json`): JSON snapshots, merge-patch deltas. */
export const HANG_CATALOG_TRACK = 'catalog.json';

/** The switching set every hang video rendition belongs to (hang has one video ladder). */
const HANG_ALT_GROUP = 1;

/**
 * Reads a hang catalog into our model. Renditions in a container we cannot read (`loc`, or a
 * kind we do not know) are left out; unknown fields are ignored; a section or rendition of the
 * wrong shape is a CatalogError('MALFORMED') naming it.
 */
export function decodeHangCatalog(json: unknown): Catalog {
  const root = hangRootSchema.safeParse(json);
  if (!root.success || typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new CatalogError('MALFORMED', 'a hang catalog is a JSON object');
  }
  const tracks = [
    ...sectionTracks('video', root.data.video),
    ...sectionTracks('audio', root.data.audio),
  ];
  return { version: 1, generatedAt: 0, tracks };
}

function sectionTracks(role: TrackRole, section: unknown): CatalogTrack[] {
  if (section === undefined) return [];
  const parsed = hangSectionSchema.safeParse(section);
  if (!parsed.success)
    throw new CatalogError('MALFORMED', `${role}: ${describeIssues(parsed.error)}`);
  const entries: Array<[string, unknown]> = Array.isArray(parsed.data)
    ? parsed.data.map((r) => [r.track.name, r.config])
    : 'renditions' in parsed.data
      ? Object.entries(parsed.data.renditions)
      : [[parsed.data.track.name, parsed.data.config]];
  return entries.flatMap(([name, config]) => {
    const track = hangTrack(role, name, config);
    return track ? [track] : [];
  });
}

function hangTrack(role: TrackRole, name: string, config: unknown): CatalogTrack | undefined {
  const where = `${role}.${name}`;
  if (name.length === 0) throw new CatalogError('MALFORMED', `${role}: a rendition without a name`);
  const container = readContainer(where, (config as { container?: unknown } | null)?.container);
  if (!container) return undefined;
  const base = { name, isLive: true, role, ...container };
  if (role === 'video') {
    const video = hangVideoConfigSchema.safeParse(config);
    if (!video.success)
      throw new CatalogError('MALFORMED', `${where}: ${describeIssues(video.error)}`);
    const v = video.data;
    return {
      ...base,
      codec: v.codec,
      altGroup: HANG_ALT_GROUP,
      ...defined('description', v.description),
      ...defined('width', v.codedWidth),
      ...defined('height', v.codedHeight),
      ...defined('framerate', v.framerate),
      ...defined('bitrate', v.bitrate),
      ...defined('label', v.codedHeight === undefined ? undefined : `${v.codedHeight}p`),
    };
  }
  const audio = hangAudioConfigSchema.safeParse(config);
  if (!audio.success)
    throw new CatalogError('MALFORMED', `${where}: ${describeIssues(audio.error)}`);
  const a = audio.data;
  return {
    ...base,
    codec: a.codec,
    samplerate: a.sampleRate,
    channelConfig: String(a.numberOfChannels),
    ...defined('description', a.description),
    ...defined('bitrate', a.bitrate),
  };
}

/** The container as our packaging; undefined for one we cannot read. Absent means `legacy`. */
function readContainer(
  where: string,
  container: unknown,
): Pick<CatalogTrack, 'packaging' | 'initData'> | undefined {
  if (container === undefined) return { packaging: 'legacy', initData: '' };
  const kind = hangContainerKindSchema.safeParse(container);
  if (!kind.success)
    throw new CatalogError('MALFORMED', `${where}.container: ${describeIssues(kind.error)}`);
  if (kind.data.kind === 'legacy') return { packaging: 'legacy', initData: '' };
  if (kind.data.kind !== 'cmaf') return undefined;
  const cmaf = hangCmafContainerSchema.safeParse(container);
  if (!cmaf.success)
    throw new CatalogError('MALFORMED', `${where}.container: ${describeIssues(cmaf.error)}`);
  return { packaging: 'cmaf', initData: cmaf.data.init };
}

/**
 * Our catalog as a hang catalog, so hang players (`@moq/watch`) play our broadcasts with no
 * options: every track is CMAF, which hang reads as the `cmaf` container with the init inline.
 */
export function encodeHangCatalog(catalog: Catalog): Uint8Array {
  const video: Record<string, object> = {};
  const audio: Record<string, object> = {};
  let display: { width: number; height: number } | undefined;
  for (const t of catalog.tracks) {
    if (t.packaging !== 'cmaf') continue;
    const container = { kind: 'cmaf', init: t.initData };
    if (t.role === 'video') {
      video[t.name] = {
        codec: t.codec,
        container,
        ...defined('codedWidth', t.width),
        ...defined('codedHeight', t.height),
        ...defined('framerate', t.framerate),
        ...defined('bitrate', t.bitrate),
      };
      if (t.width && t.height && t.height > (display?.height ?? 0)) {
        display = { width: t.width, height: t.height };
      }
    } else {
      audio[t.name] = {
        codec: t.codec,
        container,
        sampleRate: t.samplerate ?? 48_000,
        numberOfChannels: Number(t.channelConfig ?? 2) || 2,
        ...defined('bitrate', t.bitrate),
      };
    }
  }
  const root: Record<string, object> = {};
  if (Object.keys(video).length > 0)
    root.video = { renditions: video, ...defined('display', display) };
  if (Object.keys(audio).length > 0) root.audio = { renditions: audio };
  return new TextEncoder().encode(JSON.stringify(root));
}

/** RFC 7396 JSON Merge Patch: how hang sends a catalog change after a group's snapshot. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
