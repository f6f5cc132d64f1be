import type { MediaTrack } from './media-track.js';
import { PlayerError } from './player-error.js';

/**
 * Whether this browser's WebCodecs decodes a track, asked before any decoder is made: a catalog
 * may name a codec nobody decodes (a typo, a codec from the future), and "Unknown or ambiguous
 * codec name" from inside a decoder says less than which track and which codec.
 */
export function decodable(track: MediaTrack): Promise<boolean> {
  let answer = answers.get(track);
  if (!answer) {
    answer = askDecoder(track);
    answers.set(track, answer);
  }
  return answer;
}

/**
 * Each track is asked once: the player asks while its session is still being set up (the
 * answer can take a browser tens of ms, more on a busy machine) and finds it ready when it
 * starts playing.
 */
const answers = new WeakMap<MediaTrack, Promise<boolean>>();

async function askDecoder(track: MediaTrack): Promise<boolean> {
  const { info } = track;
  const description = info.description ? { description: info.description } : {};
  try {
    if (info.kind === 'video') {
      const support = await VideoDecoder.isConfigSupported({ codec: info.codec, ...description });
      return support.supported === true;
    }
    const support = await AudioDecoder.isConfigSupported({
      codec: info.codec,
      sampleRate: info.sampleRate ?? 48_000,
      numberOfChannels: info.channelCount ?? 2,
      ...description,
    });
    return support.supported === true;
  } catch {
    return false; // a malformed config (TypeError) is as undecodable as an unknown codec
  }
}

/**
 * The video track must decode (an UNSUPPORTED_CODEC PlayerError naming it otherwise); an audio
 * track that does not is left out, so the picture still plays. Returns the audio to play.
 */
export async function checkDecodable(
  video: MediaTrack,
  audio: MediaTrack | undefined,
): Promise<MediaTrack | undefined> {
  const [videoOk, audioOk] = await Promise.all([
    decodable(video),
    audio ? decodable(audio) : Promise.resolve(false),
  ]);
  if (!videoOk) {
    throw new PlayerError(
      'UNSUPPORTED_CODEC',
      `this browser cannot decode ${video.entry.name}: video codec ${video.info.codec}`,
    );
  }
  if (audio && !audioOk) {
    console.warn(`moq player: audio ${audio.entry.name} (${audio.info.codec}) cannot be decoded`);
  }
  return audioOk ? audio : undefined;
}
