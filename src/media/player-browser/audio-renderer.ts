import { placeAudio } from './audio-placement.js';
import type { LiveClock } from './live-clock.js';
import type { MediaTrack, TimedSample } from './media-track.js';
import { PlayerError } from './player-error.js';
import type { StatsRecorder } from './stats-recorder.js';

/** Room for decoding and scheduling on top of the measured output latency. */
const AUDIO_MARGIN_MS = 20;

/**
 * WebCodecs audio: decoded buffers are scheduled on the AudioContext at the time the shared live
 * clock gives their timestamp, so audio and video follow one clock. Consecutive buffers join
 * without gaps; when the clock moves earlier, buffers are skipped until audio is back on it;
 * one that drifted later re-anchors; one already late is dropped (`placeAudio`).
 */
export class AudioRenderer {
  readonly #context: AudioContext;
  readonly #output: GainNode;
  readonly #clock: LiveClock;
  readonly #stats: StatsRecorder;
  readonly #onError: (error: PlayerError) => void;
  readonly #decoder: AudioDecoder;
  readonly #playing = new Set<AudioBufferSourceNode>();
  #nextStart = 0;
  #closed = false;

  constructor(
    context: AudioContext,
    clock: LiveClock,
    stats: StatsRecorder,
    onError: (error: PlayerError) => void,
  ) {
    this.#context = context;
    this.#clock = clock;
    this.#stats = stats;
    this.#onError = onError;
    this.#output = context.createGain();
    this.#output.connect(context.destination);
    this.#decoder = new AudioDecoder({
      output: (data) => this.#schedule(data),
      error: (error) => {
        if (!this.#closed)
          this.#onError(new PlayerError('DECODE_FAILED', `audio: ${error.message}`));
      },
    });
  }

  configure(track: MediaTrack): void {
    const { info } = track;
    this.#decoder.configure({
      codec: info.codec,
      sampleRate: info.sampleRate ?? 48_000,
      numberOfChannels: info.channelCount ?? 2,
      ...(info.description ? { description: info.description } : {}),
    });
  }

  decode(samples: TimedSample[]): void {
    if (this.#closed || this.#decoder.state !== 'configured') return;
    for (const { sample, ptsMs, durationMs } of samples) {
      this.#decoder.decode(
        new EncodedAudioChunk({
          type: 'key',
          timestamp: Math.round(ptsMs * 1000),
          duration: Math.round(durationMs * 1000),
          data: sample.data,
        }),
      );
    }
  }

  set muted(muted: boolean) {
    this.#output.gain.value = muted ? 0 : 1;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#decoder.state !== 'closed') this.#decoder.close();
    for (const source of this.#playing) source.stop();
    this.#playing.clear();
    this.#output.disconnect();
  }

  #schedule(data: AudioData): void {
    if (!this.#closed) this.#stats.audioFramesDecoded++;
    try {
      const when = this.#startTime(data.timestamp / 1000);
      if (when === undefined) return;
      const buffer = this.#toBuffer(data);
      const source = this.#context.createBufferSource();
      source.buffer = buffer;
      source.connect(this.#output);
      source.onended = () => {
        this.#playing.delete(source);
        if (!this.#closed) this.#stats.audioFramesPlayed++;
      };
      source.start(when);
      this.#playing.add(source);
      this.#nextStart = when + buffer.duration;
    } finally {
      data.close();
    }
  }

  /** The context time to start a buffer of media time `ptsMs`, or undefined to drop it. */
  #startTime(ptsMs: number): number | undefined {
    if (this.#context.state !== 'running' || this.#closed) return undefined;
    const due = this.#clock.dueAt(ptsMs);
    if (due === undefined) return undefined;
    // The output timestamp maps context time to the moment it is heard; before the device
    // has played anything it is all zeros, and the context's own clock has to do.
    const stamp = this.#context.getOutputTimestamp();
    const heard = (stamp.performanceTime ?? 0) > 0;
    const contextNow = heard ? (stamp.contextTime ?? 0) : this.#context.currentTime;
    const perfNow = heard ? (stamp.performanceTime ?? 0) : performance.now();
    const when = contextNow + (due - perfNow) / 1000;
    const pipelineS = heard
      ? this.#context.currentTime - contextNow
      : this.#context.baseLatency + (this.#context.outputLatency || 0);
    this.#clock.outputLatencyMs = pipelineS * 1000 + AUDIO_MARGIN_MS;
    switch (placeAudio(when, this.#nextStart, this.#context.currentTime)) {
      case 'join':
        return this.#nextStart;
      case 'skip':
        return undefined;
      case 'late':
        if (this.#stats.framesRendered > 0) this.#clock.late();
        return undefined;
      case 'anchor':
        return when;
    }
  }

  #toBuffer(data: AudioData): AudioBuffer {
    const buffer = this.#context.createBuffer(
      data.numberOfChannels,
      data.numberOfFrames,
      data.sampleRate,
    );
    for (let channel = 0; channel < data.numberOfChannels; channel++) {
      const plane = new Float32Array(data.numberOfFrames);
      data.copyTo(plane, { planeIndex: channel, format: 'f32-planar' });
      buffer.copyToChannel(plane, channel);
    }
    return buffer;
  }
}
