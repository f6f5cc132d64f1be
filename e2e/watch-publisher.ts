/**
 * A test-pattern broadcast published straight into a relay's origin through the real media
 * chain: the encoder (ffmpeg ladder + audio) into the packager (catalog, a group per GOP, an
 * object per CMAF chunk).
 */
import { BroadcastProducer } from '../src/moq/index.js';
import { Encoder, parseLadder } from '../src/media/encoder-node/index.js';
import { MediaPackager } from '../src/media/packager/index.js';
import type { Relay } from '../src/relay/index.js';

export interface TestBroadcast {
  broadcast: BroadcastProducer;
  encoder: Encoder;
  /**
   * Stops packaging one track, as a studio dropping a rung does: the track ends and the catalog
   * is republished without it; the rest goes on.
   */
  dropTrack(name: string): void;
  /** Ends the broadcast the way a publisher going offline does: every track ends cleanly. */
  close(): Promise<void>;
}

export async function publishTestPattern(
  relay: Relay,
  name: string,
  ladder = '720p,360p',
): Promise<TestBroadcast> {
  const abort = new AbortController();
  const encoder = await Encoder.start({
    source: { kind: 'test-pattern' },
    ladder: parseLadder(ladder),
    audio: 'aac',
    gopMs: 1000,
    signal: abort.signal,
  });
  const broadcast = new BroadcastProducer(name.split('/'));
  const packager = new MediaPackager(broadcast);
  const perTrack = new Map<string, AbortController>();
  for (const output of encoder.outputs) {
    const meta = {
      name: output.name,
      role: output.role,
      label: output.name,
      bitrateBps: output.bitrateBps,
      ...(output.rendition ? { framerate: output.rendition.framerate, altGroup: 1 } : {}),
    };
    const stop = new AbortController();
    perTrack.set(output.name, stop);
    packager
      .addTrack(meta, output.stream, AbortSignal.any([abort.signal, stop.signal]))
      .catch(() => undefined);
  }
  await packager.whenReady(AbortSignal.timeout(20_000));
  relay.origin.publish(broadcast);
  return {
    broadcast,
    encoder,
    dropTrack: (trackName) => perTrack.get(trackName)?.abort(),
    close: async () => {
      packager.close();
      broadcast.close();
      abort.abort();
      await encoder.close();
    },
  };
}
