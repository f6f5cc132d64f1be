/**
 * The MSF catalog with the CMSF extension (shared/specs/draft-ietf-moq-msf.md §Catalog,
 * draft-ietf-moq-cmsf.md §Catalog description): a JSON object on the track named `catalog`.
 */

export const CATALOG_TRACK = 'catalog';

export type TrackRole = 'video' | 'audio';

/**
 * How a track's objects carry media: `cmaf` (CMSF: one `moof mdat` chunk per object) for every
 * track we publish; `legacy` for hang broadcasts (`@moq/publish`, moq-dev's CLI): each object is a
 * QUIC varint timestamp in microseconds, then one raw codec frame, and each group starts at a
 * keyframe.
 */
export type TrackPackaging = 'cmaf' | 'legacy';

/** One track entry (MSF §Track Object Fields). Unknown fields are ignored when parsing. */
export interface CatalogTrack {
  name: string;
  packaging: TrackPackaging;
  isLive: boolean;
  role: TrackRole;
  codec: string;
  /** Base64 of the track's CMAF header (ftyp + moov); empty for `legacy` tracks. */
  initData: string;
  /**
   * `legacy` tracks: the decoder configuration record (avcC, hvcC, AudioSpecificConfig…) as hex,
   * when the publisher gave one (H.264 without it is Annex-B with SPS/PPS in band).
   */
  description?: string;
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
