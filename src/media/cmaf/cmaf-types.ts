/** What an fMP4 (CMAF) byte stream is made of, as the packager and the players see it. */

export type MediaKind = 'video' | 'audio';

/** One track's decoder facts, read from its init segment (ftyp + moov). */
export interface TrackInfo {
  trackId: number;
  kind: MediaKind;
  /** RFC 6381 codec string, e.g. `avc1.64001f`, `mp4a.40.2`, `opus`. */
  codec: string;
  /** Media timescale (ticks per second) of the track (mdhd). */
  timescale: number;
  width?: number;
  height?: number;
  sampleRate?: number;
  channelCount?: number;
  /**
   * The decoder configuration record WebCodecs wants as `description`: the avcC/hvcC box body
   * for video, the AudioSpecificConfig (from esds) for AAC, the dOps-derived OpusHead for Opus.
   */
  description?: Uint8Array;
  /** The track's `trex` defaults, for fragments whose `tfhd`/`trun` leave fields out. */
  sampleDefaults?: SampleDefaults;
}

/** Per-sample defaults (trex, overridden by tfhd), ISO/IEC 14496-12 §8.8.3 and §8.8.7. */
export interface SampleDefaults {
  duration: number;
  size: number;
  flags: number;
}

/** The init segment of a single-track CMAF stream. */
export interface InitSegment {
  kind: 'init';
  bytes: Uint8Array;
  track: TrackInfo;
}

/**
 * One CMAF chunk: the boxes from one `prft` (optional) or `moof` up to and including its `mdat`,
 * byte for byte as the encoder wrote them. This is one MoQ object.
 */
export interface CmafChunk {
  kind: 'chunk';
  bytes: Uint8Array;
  /** The chunk's first sample is a sync sample (SAP 1/2): a MoQ group may start here. */
  keyframe: boolean;
  /** tfdt baseMediaDecodeTime, in the track's timescale. */
  baseDecodeTime: number;
  /** Sum of the chunk's sample durations, in the track's timescale. */
  durationTicks: number;
  /** Wall-clock time (ms since the Unix epoch) from the chunk's `prft`, if it had one. */
  producerTimeMs?: number;
}

export type Fmp4Part = InitSegment | CmafChunk;

/** One sample of a fragment, for WebCodecs players. */
export interface FragmentSample {
  /** The sample's bytes (a view into the chunk). */
  data: Uint8Array;
  /** Decode time in the track's timescale. */
  decodeTime: number;
  /** Composition offset (pts - dts) in the track's timescale. */
  compositionOffset: number;
  duration: number;
  keyframe: boolean;
}

/** A parsed CMAF chunk (moof + mdat). */
export interface ParsedFragment {
  trackId: number;
  baseDecodeTime: number;
  samples: FragmentSample[];
  producerTimeMs?: number;
}
