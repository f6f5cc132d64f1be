import { createFile, MP4BoxBuffer, type Movie, type Track } from 'mp4box';
import { type Box, childBoxes } from './box-reader.js';
import type { TrackInfo } from './cmaf-types.js';
import { audioFormatOf, decoderDescription, firstSampleEntry } from './decoder-config.js';
import { Fmp4Error } from './fmp4-error.js';
import { sampleDefaults, trackIdOf } from './init-reader.js';

/** mp4box's view of the movie: codec strings (RFC 6381), timescales, sizes, audio formats. */
function readMovie(bytes: Uint8Array): Movie {
  const file = createFile();
  let movie: Movie | undefined;
  let failure: string | undefined;
  file.onReady = (info) => (movie = info);
  file.onError = (module, message) => (failure = `${module}: ${message}`);
  try {
    file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(bytes.slice().buffer, 0), true);
    file.flush();
  } catch (error) {
    throw new Fmp4Error('MALFORMED', `init segment unreadable: ${String(error)}`);
  }
  if (!movie) throw new Fmp4Error('MALFORMED', failure ?? 'init segment has no complete moov');
  return movie;
}

function trackInfo(bytes: Uint8Array, moov: Box, trak: Box, track: Track): TrackInfo {
  const kind = track.type;
  if (kind !== 'video' && kind !== 'audio') {
    throw new Fmp4Error('UNSUPPORTED', `track ${track.id} is ${kind ?? 'of unknown type'}`);
  }
  // WebCodecs registers the Opus codec string in lower case; ISOBMFF's entry is `Opus`.
  const codec = track.codec === 'Opus' ? 'opus' : track.codec;
  const info: TrackInfo = { trackId: track.id, kind, codec, timescale: track.timescale };
  if (kind === 'video' && track.video) {
    info.width = track.video.width;
    info.height = track.video.height;
  }
  if (kind === 'audio' && track.audio) {
    info.sampleRate = track.audio.sample_rate;
    info.channelCount = track.audio.channel_count;
  }
  const entry = firstSampleEntry(bytes, trak);
  const description = entry && decoderDescription(bytes, entry, kind);
  if (description) info.description = description;
  if (kind === 'audio' && description) Object.assign(info, audioFormatOf(description, codec));
  const defaults = sampleDefaults(bytes, moov, track.id);
  if (defaults) info.sampleDefaults = defaults;
  return info;
}

/** Every track of an init segment (ftyp + moov), in moov order. */
export function parseInitTracks(bytes: Uint8Array): TrackInfo[] {
  const moov = childBoxes(bytes, 0, bytes.length).find((b) => b.type === 'moov');
  if (!moov) throw new Fmp4Error('NO_INIT', 'no moov box');
  const movie = readMovie(bytes);
  const traks = childBoxes(bytes, moov.bodyStart, moov.end).filter((b) => b.type === 'trak');
  return traks.map((trak) => {
    const id = trackIdOf(bytes, trak);
    const track = movie.tracks.find((t) => t.id === id);
    if (!track) throw new Fmp4Error('MALFORMED', `mp4box did not read track ${id}`);
    return trackInfo(bytes, moov, trak, track);
  });
}

/** The one track of a single-track CMAF header (ftyp + moov). */
export function parseInit(bytes: Uint8Array): TrackInfo {
  const tracks = parseInitTracks(bytes);
  const [track] = tracks;
  if (!track) throw new Fmp4Error('MALFORMED', 'moov has no track');
  if (tracks.length > 1) {
    throw new Fmp4Error('MULTI_TRACK', `init has ${tracks.length} tracks; one is expected`);
  }
  return track;
}
