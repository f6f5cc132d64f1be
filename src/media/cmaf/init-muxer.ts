import {
  type Box,
  childBoxes,
  concatBytes,
  makeBox,
  requireBody,
  trafChildren,
  writeU32,
} from './box-reader.js';
import { Fmp4Error } from './fmp4-error.js';

interface InitParts {
  ftyp: Uint8Array | undefined;
  mvhd: Uint8Array;
  traks: Uint8Array[];
  trexes: Uint8Array[];
}

function splitInit(init: Uint8Array, index: number): InitParts {
  const top = childBoxes(init, 0, init.length);
  const moov = top.find((b) => b.type === 'moov');
  if (!moov) throw new Fmp4Error('NO_INIT', `init ${index} has no moov`);
  const ftyp = top.find((b) => b.type === 'ftyp');
  const children = childBoxes(init, moov.bodyStart, moov.end);
  const mvhd = children.find((b) => b.type === 'mvhd');
  if (!mvhd) throw new Fmp4Error('MALFORMED', `init ${index} has no mvhd`);
  const mvex = children.find((b) => b.type === 'mvex');
  const slice = (box: Box): Uint8Array => init.slice(box.start, box.end);
  return {
    ftyp: ftyp && slice(ftyp),
    mvhd: slice(mvhd),
    traks: children.filter((b) => b.type === 'trak').map(slice),
    trexes: mvex
      ? childBoxes(init, mvex.bodyStart, mvex.end)
          .filter((b) => b.type === 'trex')
          .map(slice)
      : [],
  };
}

/** Sets track_ID in a (copied) tkhd inside a trak box. */
function retrackTrak(trak: Uint8Array, trackId: number): Uint8Array {
  const tkhd = childBoxes(trak, 8, trak.length).find((b) => b.type === 'tkhd');
  if (!tkhd) throw new Fmp4Error('MALFORMED', 'trak without tkhd');
  requireBody(tkhd, 24);
  const version = trak[tkhd.bodyStart];
  writeU32(trak, tkhd.bodyStart + (version === 1 ? 20 : 12), trackId);
  return trak;
}

function retrackTrex(trex: Uint8Array, trackId: number): Uint8Array {
  if (trex.length < 16) throw new Fmp4Error('MALFORMED', 'trex too short');
  writeU32(trex, 12, trackId);
  return trex;
}

/**
 * Merges single-track init segments into one multi-track init: track i becomes track_ID i + 1
 * (tkhd and trex patched), every trak and trex moves into one moov, and the first init's mvhd
 * gets next_track_ID = n + 1. The first ftyp is kept. Edit lists stay as they are: they are in
 * the movie timescale, which our encoders keep the same across tracks. Chunks of input i must
 * then be retracked with `setTrackId(chunk, i + 1)`.
 */
export function muxInits(inits: Uint8Array[]): Uint8Array {
  if (inits.length === 0) throw new Fmp4Error('NO_INIT', 'no init segments to merge');
  const parts = inits.map(splitInit);
  const traks: Uint8Array[] = [];
  const trexes: Uint8Array[] = [];
  parts.forEach((part, i) => {
    if (part.traks.length !== 1 || part.trexes.length > 1) {
      throw new Fmp4Error('MULTI_TRACK', `init ${i} is not single-track`);
    }
    traks.push(retrackTrak(part.traks[0] as Uint8Array, i + 1));
    for (const trex of part.trexes) trexes.push(retrackTrex(trex, i + 1));
  });
  const first = parts[0] as InitParts;
  const mvhd = first.mvhd.slice();
  writeU32(mvhd, mvhd.length - 4, inits.length + 1); // next_track_ID is mvhd's last field
  const moov = makeBox(
    'moov',
    mvhd,
    ...traks,
    ...(trexes.length ? [makeBox('mvex', ...trexes)] : []),
  );
  return concatBytes(first.ftyp ? [first.ftyp, moov] : [moov]);
}

/** A copy of a CMAF chunk with every tfhd track_ID (and prft reference_track_ID) set to trackId. */
export function setTrackId(chunk: Uint8Array, trackId: number): Uint8Array {
  const out = chunk.slice();
  const prfts = childBoxes(out, 0, out.length).filter((box) => box.type === 'prft');
  for (const box of [...prfts, ...trafChildren(out, 'tfhd')]) {
    requireBody(box, 8);
    writeU32(out, box.bodyStart + 4, trackId);
  }
  return out;
}
