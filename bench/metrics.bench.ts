/**
 * `npm run bench:metrics`: what /metrics costs on a relay with many broadcasts and viewers.
 * One in-process relay; one publisher announcing BENCH_BROADCASTS broadcasts (default 200);
 * BENCH_VIEWERS viewer sessions (default 20) each subscribing to every broadcast. Reports the
 * scrape time (median and worst of 20, over HTTP), the exposition's size and series count, and
 * how many broadcast label values it holds (bounded: top N + `other`).
 */
import { BroadcastProducer } from '../src/moq/index.js';
import { Relay } from '../src/relay/index.js';
import { join, publisher } from '../src/relay/relay-test-kit.js';
import { parsePrometheusText } from '../src/relay/metrics/prometheus-text.js';

const BROADCASTS = Number(process.env.BENCH_BROADCASTS ?? 200);
const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 20);
const SCRAPES = 20;

const relay = await Relay.start({ port: 0, host: '127.0.0.1' });
const pub = await publisher(relay, ['bench', 'b0'], 'video');
for (let i = 1; i < BROADCASTS; i++) {
  const broadcast = new BroadcastProducer(['bench', `b${i}`]);
  broadcast.createTrack('video');
  await pub.session.publish(broadcast);
}
const viewers = [];
for (let v = 0; v < VIEWERS; v++) {
  const viewer = await join(relay, v % 2 ? 'websocket' : 'quic');
  await Promise.all(
    Array.from({ length: BROADCASTS }, (_, i) => viewer.subscribe(['bench', `b${i}`], 'video')),
  );
  viewers.push(viewer);
}
const timesMs: number[] = [];
let text = '';
for (let i = 0; i < SCRAPES; i++) {
  const start = performance.now();
  text = await (await fetch(`http://127.0.0.1:${relay.port}/metrics`)).text();
  timesMs.push(performance.now() - start);
}
timesMs.sort((a, b) => a - b);
const families = parsePrometheusText(text);
const series = [...families.values()].reduce((sum, f) => sum + f.samples.length, 0);
const labels = new Set(
  families.get('moq_relay_subscribers')?.samples.map((s) => s.labels.broadcast) ?? [],
);
console.log(
  JSON.stringify({
    broadcasts: BROADCASTS,
    viewers: VIEWERS,
    subscriptions: BROADCASTS * VIEWERS,
    scrapeMsMedian: Math.round(timesMs[Math.floor(SCRAPES / 2)] ?? 0),
    scrapeMsWorst: Math.round(timesMs.at(-1) ?? 0),
    bytes: text.length,
    series,
    broadcastLabels: labels.size,
  }),
);
for (const viewer of viewers) viewer.close();
pub.session.close();
await relay.close();
