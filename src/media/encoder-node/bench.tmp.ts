import { Encoder } from './index.js';
const t0 = Date.now();
const enc = await Encoder.start({
  source: { kind: 'test-pattern' },
  realtime: false,
  durationMs: 10_000,
  ffmpegPath: '/usr/bin/ffmpeg',
});
const sizes = await Promise.all(
  enc.outputs.map(async (o) => {
    let n = 0;
    for await (const c of o.stream) n += c.byteLength;
    return [o.name, n] as const;
  }),
);
await enc.closed;
const wallMs = Date.now() - t0;
console.log({
  wallMs,
  speedX: 10_000 / wallMs,
  last: enc.progress(),
  sizes: sizes.map(([n, b]) => `${n}: ${((b * 8) / 10 / 1000).toFixed(0)} kb/s`),
});
