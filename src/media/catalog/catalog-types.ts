/**
 * The MSF catalog with the CMSF extension (shared/specs/draft-ietf-moq-msf.md §Catalog,
 * draft-ietf-moq-cmsf.md §Catalog description): a JSON object on the track named `catalog`.
 */

export const CATALOG_TRACK = 'catalog';

export type TrackRole = 'video' | 'audio';

/** One track entry (MSF §Track Object Fields). Unknown fields are ignored when parsing. */
export interface CatalogTrack {
  name: string;
  /** `cmaf` (CMSF) for every media track we publish. */
  packaging: 'cmaf';
  isLive: boolean;
  role: TrackRole;
  codec: string;
  /** Base64 of the track's CMAF header (ftyp + moov). */
  initData: string;
  renderGroup?: number;
  /** Tracks sharing an altGroup are one switching set (the video ladder). */
  altGroup?: number;
  width?: number;
  height?: number;
  framerate?: number;
  timescale?: number;
  /** Maximum bitrate, bits per second. */
  bitrate?: number;
  samplerate?: number;
  channelConfig?: string;
  /** Display label, e.g. `720p`. */
  label?: string;
  /** CMSF §Max SAP starting types: our groups start with SAP type 1 or 2. */
  maxGrpSapStartingType?: number;
}

export interface Catalog {
  version: 1;
  /** Wall clock (ms since the epoch) when this catalog was made. */
  generatedAt: number;
  tracks: CatalogTrack[];
}
