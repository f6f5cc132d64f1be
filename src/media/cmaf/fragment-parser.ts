import { type Box, childBoxes, findChild, readU64, requireBody, view } from './box-reader.js';
import type { FragmentSample, ParsedFragment, SampleDefaults } from './cmaf-types.js';
import { Fmp4Error } from './fmp4-error.js';

/** Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
/** Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
export const NTP_UNIX_OFFSET_S = 2_208_988_800;

// tfhd flags (ISO/IEC 14496-12 §8.8.7.1)
const TFHD_BASE_DATA_OFFSET = 0x000001;
const TFHD_SAMPLE_DESCRIPTION_INDEX = 0x000002;
const TFHD_DEFAULT_DURATION = 0x000008;
const TFHD_DEFAULT_SIZE = 0x000010;
const TFHD_DEFAULT_FLAGS = 0x000020;

// trun flags (§8.8.8.1)
const TRUN_DATA_OFFSET = 0x000001;
const TRUN_FIRST_SAMPLE_FLAGS = 0x000004;
const TRUN_DURATION = 0x000100;
const TRUN_SIZE = 0x000200;
const TRUN_FLAGS = 0x000400;
const TRUN_COMPOSITION_OFFSET = 0x000800;

const NO_DEFAULTS: SampleDefaults = { duration: 0, size: 0, flags: 0 };

/**
 * A sync sample per the sample flags (§8.8.3.1): sample_depends_on == 2 (depends on no other
 * sample) or sample_is_non_sync_sample == 0 without claiming to depend on others.
 */
export function isSyncSample(flags: number): boolean {
  const dependsOn = (flags >>> 24) & 0x3;
  const nonSync = (flags >>> 16) & 0x1;
  return dependsOn === 2 || (nonSync === 0 && dependsOn !== 1);
}

/** prft (§8.16.5): the wall clock at which the fragment was made, as ms since the Unix epoch. */
export function readPrftTimeMs(bytes: Uint8Array, prft: Box): number {
  requireBody(prft, 16);
  const data = view(bytes);
  const seconds = data.getUint32(prft.bodyStart + 8);
  const fraction = data.getUint32(prft.bodyStart + 12);
  return (seconds - NTP_UNIX_OFFSET_S) * 1000 + (fraction / 0x100000000) * 1000;
}

interface TrackFragmentHeader {
  trackId: number;
  /** Absolute base data offset; undefined = the moof's first byte (default-base-is-moof). */
  baseDataOffset?: number;
  defaults: SampleDefaults;
}

function readTfhd(bytes: Uint8Array, tfhd: Box, inherited: SampleDefaults): TrackFragmentHeader {
  requireBody(tfhd, 8);
  const data = view(bytes);
  const flags = data.getUint32(tfhd.bodyStart) & 0xffffff;
  const header: TrackFragmentHeader = {
    trackId: data.getUint32(tfhd.bodyStart + 4),
    defaults: { ...inherited },
  };
  let at = tfhd.bodyStart + 8;
  const take = (n: number): number => {
    if (at + n > tfhd.end) throw new Fmp4Error('MALFORMED', 'tfhd shorter than its flags say');
    const here = at;
    at += n;
    return here;
  };
  if (flags & TFHD_BASE_DATA_OFFSET) header.baseDataOffset = readU64(data, take(8));
  if (flags & TFHD_SAMPLE_DESCRIPTION_INDEX) take(4);
  if (flags & TFHD_DEFAULT_DURATION) header.defaults.duration = data.getUint32(take(4));
  if (flags & TFHD_DEFAULT_SIZE) header.defaults.size = data.getUint32(take(4));
  if (flags & TFHD_DEFAULT_FLAGS) header.defaults.flags = data.getUint32(take(4));
  return header;
}

function readTfdt(bytes: Uint8Array, tfdt: Box | undefined): number {
  if (!tfdt) return 0;
  requireBody(tfdt, 8);
  const data = view(bytes);
  const version = data.getUint8(tfdt.bodyStart);
  if (version === 1) {
    requireBody(tfdt, 12);
    return readU64(data, tfdt.bodyStart + 4);
  }
  return data.getUint32(tfdt.bodyStart + 4);
}

/** One sample of a trun, before its bytes are located. */
interface RunSample {
  size: number;
  duration: number;
  flags: number;
  compositionOffset: number;
}

interface TrackRun {
  /** Offset of the run's data relative to the base data offset, if the run says. */
  dataOffset?: number;
  samples: RunSample[];
}

function readTrun(bytes: Uint8Array, trun: Box, defaults: SampleDefaults): TrackRun {
  requireBody(trun, 8);
  const data = view(bytes);
  const versionFlags = data.getUint32(trun.bodyStart);
  const version = versionFlags >>> 24;
  const flags = versionFlags & 0xffffff;
  const count = data.getUint32(trun.bodyStart + 4);
  const optional = [TRUN_DATA_OFFSET, TRUN_FIRST_SAMPLE_FLAGS].filter((f) => flags & f).length;
  const perSample = [TRUN_DURATION, TRUN_SIZE, TRUN_FLAGS, TRUN_COMPOSITION_OFFSET].filter(
    (f) => flags & f,
  ).length;
  if (trun.bodyStart + 8 + 4 * (optional + count * perSample) > trun.end) {
    throw new Fmp4Error('MALFORMED', `trun of ${count} samples is longer than its box`);
  }
  let at = trun.bodyStart + 8;
  const u32 = (): number => data.getUint32((at += 4) - 4);
  const run: TrackRun = { samples: [] };
  if (flags & TRUN_DATA_OFFSET) run.dataOffset = u32() | 0; // signed
  const firstFlags = flags & TRUN_FIRST_SAMPLE_FLAGS ? u32() : undefined;
  for (let i = 0; i < count; i++) {
    const sample: RunSample = { ...defaults, compositionOffset: 0 };
    if (flags & TRUN_DURATION) sample.duration = u32();
    if (flags & TRUN_SIZE) sample.size = u32();
    if (flags & TRUN_FLAGS) sample.flags = u32();
    else if (i === 0 && firstFlags !== undefined) sample.flags = firstFlags;
    // Version 0 composition offsets are unsigned, version 1 signed (§8.8.8.3).
    if (flags & TRUN_COMPOSITION_OFFSET)
      sample.compositionOffset = version === 0 ? u32() : u32() | 0;
    run.samples.push(sample);
  }
  return run;
}

/** What the moof says about a fragment, without touching the sample bytes. */
export interface FragmentSummary {
  trackId: number;
  baseDecodeTime: number;
  durationTicks: number;
  keyframe: boolean;
  producerTimeMs?: number;
}

interface TrackFragment {
  header: TrackFragmentHeader;
  baseDecodeTime: number;
  runs: TrackRun[];
}

interface MovieFragment {
  moof: Box;
  mdats: Box[];
  trafs: TrackFragment[];
  producerTimeMs?: number;
}

function readMovieFragment(bytes: Uint8Array, defaults: SampleDefaults): MovieFragment {
  const top = childBoxes(bytes, 0, bytes.length);
  const moof = top.find((b) => b.type === 'moof');
  if (!moof) throw new Fmp4Error('MALFORMED', 'fragment has no moof');
  const prft = top.find((b) => b.type === 'prft' && b.start < moof.start);
  const trafs = childBoxes(bytes, moof.bodyStart, moof.end)
    .filter((b) => b.type === 'traf')
    .map((traf) => readTraf(bytes, traf, defaults));
  if (trafs.length === 0) throw new Fmp4Error('MALFORMED', 'moof has no traf');
  const fragment: MovieFragment = {
    moof,
    mdats: top.filter((b) => b.type === 'mdat' && b.start > moof.start),
    trafs,
  };
  if (prft) fragment.producerTimeMs = readPrftTimeMs(bytes, prft);
  return fragment;
}

function readTraf(bytes: Uint8Array, traf: Box, defaults: SampleDefaults): TrackFragment {
  const children = childBoxes(bytes, traf.bodyStart, traf.end);
  const tfhd = children.find((b) => b.type === 'tfhd');
  if (!tfhd) throw new Fmp4Error('MALFORMED', 'traf has no tfhd');
  const header = readTfhd(bytes, tfhd, defaults);
  return {
    header,
    baseDecodeTime: readTfdt(bytes, findChild(bytes, traf, 'tfdt')),
    runs: children
      .filter((b) => b.type === 'trun')
      .map((trun) => readTrun(bytes, trun, header.defaults)),
  };
}

function firstTraf(fragment: MovieFragment): TrackFragment {
  const [traf, ...others] = fragment.trafs;
  if (!traf) throw new Fmp4Error('MALFORMED', 'moof has no traf');
  if (others.some((t) => t.header.trackId !== traf.header.trackId)) {
    throw new Fmp4Error('MULTI_TRACK', 'fragment carries more than one track');
  }
  return traf;
}

/**
 * The facts the splitter needs from a chunk (prft? moof mdat): track, decode time, duration and
 * whether it starts with a sync sample. Sample bytes are not located, so odd data offsets do not
 * matter here.
 */
export function summarizeFragment(bytes: Uint8Array, defaults = NO_DEFAULTS): FragmentSummary {
  const fragment = readMovieFragment(bytes, defaults);
  const traf = firstTraf(fragment);
  const samples = fragment.trafs.flatMap((t) => t.runs.flatMap((r) => r.samples));
  const first = samples[0];
  const summary: FragmentSummary = {
    trackId: traf.header.trackId,
    baseDecodeTime: traf.baseDecodeTime,
    durationTicks: samples.reduce((sum, s) => sum + s.duration, 0),
    keyframe: first !== undefined && isSyncSample(first.flags),
  };
  if (fragment.producerTimeMs !== undefined) summary.producerTimeMs = fragment.producerTimeMs;
  return summary;
}

/**
 * Parses one CMAF chunk (an optional prft, a moof, its mdat) into samples whose `data` are views
 * into `bytes`. Data offsets are taken relative to the moof (default-base-is-moof, which CMAF
 * requires). A run without a data offset, or a traf with an absolute base-data-offset (which
 * points into a file we do not have), continues right after the previous run, starting at the
 * mdat payload.
 */
export function parseFragment(bytes: Uint8Array, defaults = NO_DEFAULTS): ParsedFragment {
  const fragment = readMovieFragment(bytes, defaults);
  const traf = firstTraf(fragment);
  const mdat = fragment.mdats[0];
  if (!mdat) throw new Fmp4Error('MALFORMED', 'fragment has no mdat after its moof');
  const samples: FragmentSample[] = [];
  let cursor = mdat.bodyStart;
  for (const t of fragment.trafs) {
    let decodeTime = t.baseDecodeTime;
    for (const run of t.runs) {
      const relative = t.header.baseDataOffset === undefined && run.dataOffset !== undefined;
      if (relative) cursor = fragment.moof.start + (run.dataOffset ?? 0);
      for (const s of run.samples) {
        const end = cursor + s.size;
        if (!inMdat(fragment.mdats, cursor, end)) {
          throw new Fmp4Error('MALFORMED', `sample at ${cursor}..${end} lies outside the mdat`);
        }
        samples.push({
          data: bytes.subarray(cursor, end),
          decodeTime,
          compositionOffset: s.compositionOffset,
          duration: s.duration,
          keyframe: isSyncSample(s.flags),
        });
        cursor = end;
        decodeTime += s.duration;
      }
    }
  }
  const parsed: ParsedFragment = {
    trackId: traf.header.trackId,
    baseDecodeTime: traf.baseDecodeTime,
    samples,
  };
  if (fragment.producerTimeMs !== undefined) parsed.producerTimeMs = fragment.producerTimeMs;
  return parsed;
}

function inMdat(mdats: Box[], start: number, end: number): boolean {
  return mdats.some((m) => start >= m.bodyStart && end <= m.end);
}
