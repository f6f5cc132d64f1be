import {
  describeLadderChoice,
  measureLadder,
  type H264Encoder,
  type LadderChoice,
  type Rendition,
} from '../media/encoder-node/index.js';

/** The ladder setting that asks for a measured ladder. */
export const AUTO_LADDER = 'auto';

export function isAutoLadder(setting: string): boolean {
  return setting.trim().toLowerCase() === AUTO_LADDER;
}

export interface AutoLadderRequest {
  ffmpegPath: string;
  videoEncoder: H264Encoder;
  gopMs: number;
  /** Told what was measured (speed per candidate), once per measurement. */
  log: (message: string) => void;
  signal: AbortSignal;
}

/**
 * The ladder for a streamer who did not set one: measured once per ffmpeg and encoder for the
 * life of the studio (a few seconds of full CPU is not something to repeat at every Go live);
 * an aborted measurement is not kept.
 */
export class AutoLadder {
  readonly #choices = new Map<string, Promise<LadderChoice>>();

  async choose(request: AutoLadderRequest): Promise<readonly Rendition[]> {
    const key = `${request.ffmpegPath}\n${request.videoEncoder}\n${request.gopMs}`;
    let choice = this.#choices.get(key);
    if (!choice) {
      const measuring = measureLadder({
        ffmpegPath: request.ffmpegPath,
        videoEncoder: request.videoEncoder,
        gopMs: request.gopMs,
        signal: request.signal,
      });
      choice = measuring.then((measured) => {
        request.log(
          `measured the ladder this machine encodes in real time: ${describeLadderChoice(measured)}`,
        );
        return measured;
      });
      this.#choices.set(key, choice);
      choice.catch(() => this.#choices.delete(key));
    }
    return (await choice).ladder;
  }
}
