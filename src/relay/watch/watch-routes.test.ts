import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { get } from 'node:http';
import { after, before, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { catalogTrack, encodeCatalog } from '../../media/catalog/index.js';
import { Fmp4Splitter } from '../../media/cmaf/index.js';
import { makeVideoFmp4 } from '../../media/cmaf/cmaf-test-kit.js';
import { BroadcastProducer } from '../../moq/index.js';
import { Relay } from '../relay.js';
import { acceptsGzip } from './script-response.js';
import { contentSecurityPolicy, nameFromPath } from './watch-routes.js';

let relay: Relay;
let base: string;

before(async () => {
  relay = await Relay.start({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${relay.port}`;
});

after(() => relay.close());

test('/watch lists live broadcasts as links, HTML and JSON; an ended one disappears', async () => {
  const live = new BroadcastProducer(['team', 'show <1>']);
  relay.origin.publish(live);
  const html = await (await fetch(`${base}/watch`)).text();
  assert.match(html, /<a href="\/watch\/team\/show%20%3C1%3E">team\/show &lt;1&gt;<\/a>/);
  const json = (await (await fetch(`${base}/watch.json`)).json()) as {
    broadcasts: Array<{ name: string; url: string }>;
  };
  assert.deepEqual(json.broadcasts, [{ name: 'team/show <1>', url: '/watch/team/show%20%3C1%3E' }]);
  live.close();
  const after: unknown = await (await fetch(`${base}/watch.json`)).json();
  assert.deepEqual(after, { broadcasts: [], offset: 0, limit: 100, total: 0 });
  assert.match(await (await fetch(`${base}/watch`)).text(), /Nothing is live/);
});

test('/watch and /watch.json are paged: 100 a page by default, ?offset=&limit=', async () => {
  const many = Array.from(
    { length: 10_000 },
    (_, i) => new BroadcastProducer(['many', String(i).padStart(5, '0')]),
  );
  for (const b of many) relay.origin.publish(b);
  try {
    type Page = { broadcasts: Array<{ name: string }>; total: number; next?: string };
    const first = (await (await fetch(`${base}/watch.json`)).json()) as Page;
    assert.equal(first.broadcasts.length, 100);
    assert.equal(first.total, 10_000);
    assert.equal(first.broadcasts[0]?.name, 'many/00000');
    assert.equal(first.next, '/watch.json?offset=100&limit=100');
    const last = (await (await fetch(`${base}/watch.json?offset=9990&limit=50`)).json()) as Page;
    assert.deepEqual(
      last.broadcasts.map((b) => b.name),
      Array.from({ length: 10 }, (_, i) => `many/0${9990 + i}`),
    );
    assert.equal(last.next, undefined);
    const capped = (await (await fetch(`${base}/watch.json?limit=999999`)).json()) as Page;
    assert.equal(capped.broadcasts.length, 1000);
    const html = await (await fetch(`${base}/watch?offset=200`)).text();
    assert.equal(html.match(/<li>/g)?.length, 100);
    assert.match(html, /href="\/watch\?offset=300&amp;limit=100">More</);
  } finally {
    for (const b of many) b.close();
  }
});

test('/watch/NAME (NAME with slashes) is the watch page, escaped, under a strict CSP', async () => {
  const response = await fetch(`${base}/watch/a/b/%3Cscript%3E?mode=buffered`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
  const csp = response.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  // Inline code only by hash: the one early-session script, whose hash matches its text.
  const hashes = /script-src 'self' 'sha256-([A-Za-z0-9+/=]+)'(;|$)/.exec(csp);
  assert.ok(hashes, csp);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe/);
  assert.equal(response.headers.get('x-frame-options'), 'DENY');
  // No COOP: it makes a new tab's first navigation start a second renderer (see sendPage).
  assert.equal(response.headers.get('cross-origin-opener-policy'), null);
  const html = await response.text();
  assert.match(html, /<h1>a\/b\/&lt;script&gt;<\/h1>/);
  const inline = [...html.matchAll(/<script>([^<]*)<\/script>/g)].map((m) => m[1] ?? '');
  assert.equal(inline.length, 1, 'one inline script');
  const digest = createHash('sha256')
    .update(inline[0] ?? '')
    .digest('base64');
  assert.equal(digest, hashes[1]);
  assert.ok(html.indexOf('<script>') < html.indexOf('src="/player/watch.js"'), 'before the player');
  assert.match(html, /<meta name="moq-protocols" content="moq-00,[^"]+">/);
  assert.match(html, /<script type="module" src="\/player\/watch.js"><\/script>/);
  assert.equal((await fetch(`${base}/watch/`)).status, 404);
  assert.equal((await fetch(`${base}/watch/%E0%A4%A`)).status, 404);
});

test('/player/watch.js is the bundled player (built on demand in a fresh checkout)', async () => {
  const response = await fetch(`${base}/player/watch.js`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/javascript/);
  const script = await response.text();
  assert.match(script, /moqPlayer/);
  // Split: the entry is small, its chunks (static imports, preloaded by the page; and the lazy
  // chat and MSE parts) are served beside it.
  const chunks = [...script.matchAll(/"\.\/(chunk-[A-Za-z0-9_-]+\.js)"/g)].map((m) => m[1]);
  assert.ok(chunks.length >= 2, `chunks: ${chunks.join(', ')}`);
  let total = script.length;
  for (const chunk of chunks) {
    const part = await fetch(`${base}/player/${chunk}`);
    assert.equal(part.status, 200, chunk);
    const text = await part.text();
    assert.doesNotMatch(text, /from ?"node:/, 'no Node built-ins in the browser bundle');
    total += text.length;
  }
  assert.ok(total > 50_000, `bundle is ${total} bytes`);
  assert.doesNotMatch(script, /from ?"node:/, 'no Node built-ins in the browser bundle');
  assert.equal((await fetch(`${base}/player/chunk-nope.js`)).status, 404);
  assert.equal((await fetch(`${base}/player/../relay.ts`)).status, 404);
  const page = await (await fetch(`${base}/watch/some/show`)).text();
  for (const chunk of chunks.filter((c) => script.includes(`from"./${c}"`))) {
    assert.match(page, new RegExp(`<link rel="modulepreload" href="/player/${chunk}">`));
  }
  const css = await fetch(`${base}/player/watch.css`);
  assert.equal(css.status, 200);
});

test('player scripts: gzip for browsers that take it, chunks cached for good, the entry revalidated', async () => {
  const plain = await fetch(`${base}/player/watch.js`, {
    headers: { 'Accept-Encoding': 'identity' },
  });
  const script = await plain.text();
  assert.equal(plain.headers.get('content-encoding'), null);
  assert.equal(plain.headers.get('cache-control'), 'no-cache');
  const etag = plain.headers.get('etag');
  assert.ok(etag);
  const again = await fetch(`${base}/player/watch.js`, { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304, 'a returning viewer fetches nothing');
  assert.equal((await again.arrayBuffer()).byteLength, 0);
  const chunk = /"\.\/(chunk-[A-Za-z0-9_-]+\.js)"/.exec(script)?.[1];
  assert.ok(chunk);
  // Node's fetch takes gzip and unpacks it: the raw response shows what went over the wire.
  const raw = await new Promise<{ headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      const request = get(`${base}/player/${chunk}`, { headers: { 'Accept-Encoding': 'gzip' } });
      request.on('response', (response) => {
        const parts: Buffer[] = [];
        response.on('data', (part: Buffer) => parts.push(part));
        response.on('end', () =>
          resolve({ headers: response.headers, body: Buffer.concat(parts) }),
        );
      });
      request.on('error', reject);
    },
  );
  assert.equal(raw.headers['content-encoding'], 'gzip');
  assert.match(String(raw.headers['cache-control']), /immutable/);
  const unpacked = gunzipSync(raw.body).toString('utf8');
  const text = await (
    await fetch(`${base}/player/${chunk}`, { headers: { 'Accept-Encoding': 'identity' } })
  ).text();
  assert.equal(unpacked, text);
  assert.ok(raw.body.length < text.length / 2, `${raw.body.length} B of ${text.length}`);
});

test('Accept-Encoding: gzip taken unless refused with q=0', () => {
  assert.equal(acceptsGzip('gzip, deflate, br'), true);
  assert.equal(acceptsGzip('br;q=1.0, gzip;q=0.8'), true);
  assert.equal(acceptsGzip('*'), true);
  assert.equal(acceptsGzip('gzip;q=0'), false);
  assert.equal(acceptsGzip('identity'), false);
  assert.equal(acceptsGzip(undefined), false);
});

test('broadcast names come from the path, decoded part by part', () => {
  assert.equal(nameFromPath('/watch/a/b%2Fc/d?x=1'), 'a/b/c/d');
  assert.equal(nameFromPath('/watch/'), undefined);
  assert.equal(nameFromPath('/watch/%ZZ'), undefined);
  assert.equal(nameFromPath('/other/a'), undefined);
  assert.match(
    contentSecurityPolicy('127.0.0.1:4443'),
    /connect-src 'self' https:\/\/127\.0\.0\.1:4443 /,
  );
});

test('the page carries its player’s first SUBSCRIBEs unless the relay is told not to', async () => {
  const init = new Fmp4Splitter().push(await makeVideoFmp4({ seconds: 1, size: '640x360' }))[0];
  assert.ok(init?.kind === 'init');
  const track = catalogTrack(init, { name: '360p', bitrateBps: 800e3, framerate: 30 });
  const catalog = encodeCatalog({ version: 1, generatedAt: Date.now(), tracks: [track] });
  const shows: BroadcastProducer[] = [];
  const showIn = (target: Relay): void => {
    const show = new BroadcastProducer(['early', 'show']);
    show.createTrack('catalog').createGroup().write(catalog);
    show.createTrack('360p'); // the page keeps the catalog's tracks warm for its player
    target.origin.publish(show);
    shows.push(show);
  };
  const without = await Relay.start({ port: 0, host: '127.0.0.1', earlySubscribe: false });
  try {
    showIn(relay);
    showIn(without);
    const page = async (port: number): Promise<string> =>
      (await fetch(`http://127.0.0.1:${port}/watch/early/show`)).text();
    const meta = /<meta name="moq-early-requests" content="([^"]+)">/;
    const written = meta.exec(await page(relay.port))?.[1];
    assert.ok(written, 'on by default: the SUBSCRIBEs are in the page');
    const bytes = Buffer.from(written, 'base64');
    assert.ok(bytes.includes(Buffer.from('360p')), 'for the catalog’s rendition');
    const plain = await page(without.port);
    assert.match(plain, /id="moq-catalog"/, 'the catalog is there');
    assert.doesNotMatch(plain, meta, 'off when the relay is told');
  } finally {
    for (const show of shows) show.close();
    await without.close();
  }
});
