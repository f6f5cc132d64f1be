import type { IncomingMessage, ServerResponse } from 'node:http';
import { isChatNamespace } from '../../chat/index.js';
import { OFFERED_PROTOCOLS } from '../../client/index.js';
import type { TransportServer } from '../../transport/index.js';
import { namespacePath } from '../namespace.js';
import type { Origin } from '../origin.js';
import { EARLY_CLIENT_SETUP, EARLY_SESSION_SCRIPT_HASH } from './early-session.js';
import { CHUNK_FILE, ENTRY_FILE, PlayerBundle, PlayerBundleError } from './player-bundle.js';
import { listPage, WATCH_CSS, watchPage, watchPath } from './watch-html.js';
import { pageOf } from './watch-paging.js';
import { ScriptResponses } from './script-response.js';
import { cachedCatalog, earlyRequests } from './watch-start.js';
import { TrackWarmer } from './track-warmer.js';

const PAGE_PREFIX = '/watch/';
// What a Host header may look like (name or address, optional port); anything else is refused.
const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The viewer-facing routes: `/watch` lists live broadcasts (HTML, or JSON at `/watch.json`),
 * `/watch/NAME` is the watch page (NAME may contain `/`), `/player/watch.js` the player.
 * `earlySubscribe`: the page writes its player's first SUBSCRIBEs too (early-session.ts).
 */
export function serveWatch(
  server: TransportServer,
  origin: Origin,
  options: { earlySubscribe?: boolean } = {},
): void {
  const bundle = new PlayerBundle();
  // Its holds end with their tracks (a closing relay closes every broadcast) or after WARM_MS.
  const warmer = new TrackWarmer();
  // Viewers' chat tracks are broadcasts to the relay, but not something to watch.
  const names = (): string[] =>
    origin.broadcasts
      .filter((b) => !isChatNamespace(b.namespace))
      .map((b) => namespacePath(b.namespace))
      .sort();
  server.addRoute('GET', '/watch', (req, res) => {
    const page = pageOf(names(), req.url ?? '/watch');
    sendPage(req, res, 200, listPage(page.names, page.next && `/watch${page.next}`));
  });
  server.addRoute('GET', '/watch.json', (req, res) => {
    const { names: listed, next, ...counts } = pageOf(names(), req.url ?? '/watch.json');
    const broadcasts = listed.map((name) => ({ name, url: watchPath(name) }));
    const body = { broadcasts, ...counts, next: next && `/watch.json${next}` };
    send(res, 200, 'application/json', JSON.stringify(body), { 'Cache-Control': 'no-store' });
  });
  server.addPrefixRoute('GET', PAGE_PREFIX, async (req, res) => {
    const name = nameFromPath(req.url ?? '');
    if (!name) return send(res, 404, 'text/plain; charset=utf-8', 'no broadcast name');
    // The player's start data rides in the page: no certificate fetch, no catalog round trip.
    const namespace = name.split('/').filter(Boolean);
    const [catalog, chunks] = await Promise.all([
      cachedCatalog(origin, namespace, warmer),
      bundle.staticChunks().catch(() => []), // no bundle: /player/watch.js says why
    ]);
    const certificateSha256 = server.certificates.current().sha256Hex;
    const early =
      catalog && options.earlySubscribe ? earlyRequests(catalog.catalog, namespace) : undefined;
    const start = {
      certificateSha256,
      protocols: OFFERED_PROTOCOLS,
      clientSetup: EARLY_CLIENT_SETUP,
      ...(catalog === undefined ? {} : { catalogJson: catalog.json }),
      ...(early === undefined ? {} : { earlyRequests: early }),
    };
    sendPage(req, res, 200, watchPage(name, start, chunks));
  });
  server.addRoute('GET', '/player/watch.css', (_req, res) =>
    send(res, 200, 'text/css; charset=utf-8', WATCH_CSS, { 'Cache-Control': 'no-cache' }),
  );
  const scripts = new ScriptResponses();
  server.addRoute('GET', '/player/watch.js', (req, res) =>
    sendScript(req, res, bundle, scripts, ENTRY_FILE),
  );
  // The chunks the page loads later (chat, MSE playback): `/player/chunk-HASH.js`.
  server.addPrefixRoute('GET', '/player/', (req, res) => {
    const name = (req.url ?? '').split(/[?#]/)[0]?.slice('/player/'.length) ?? '';
    if (!CHUNK_FILE.test(name)) return send(res, 404, 'text/plain; charset=utf-8', 'not found');
    return sendScript(req, res, bundle, scripts, name);
  });
}

/** The broadcast name from `/watch/a/b%20c?x` → `a/b c`; undefined for an empty or bad one. */
export function nameFromPath(target: string): string | undefined {
  const path = target.split(/[?#]/)[0] ?? '';
  if (!path.startsWith(PAGE_PREFIX)) return undefined;
  try {
    const parts = path.slice(PAGE_PREFIX.length).split('/').filter(Boolean);
    const name = parts.map((part) => decodeURIComponent(part)).join('/');
    return name === '' ? undefined : name;
  } catch {
    return undefined; // malformed percent-encoding
  }
}

async function sendScript(
  req: IncomingMessage,
  res: ServerResponse,
  bundle: PlayerBundle,
  scripts: ScriptResponses,
  name: string,
): Promise<void> {
  try {
    const script = await bundle.file(name);
    if (script === undefined) return send(res, 404, 'text/plain; charset=utf-8', 'not found');
    scripts.send(req, res, name, script, name !== ENTRY_FILE);
  } catch (error) {
    if (!(error instanceof PlayerBundleError)) throw error;
    send(res, 503, 'text/plain; charset=utf-8', error.message);
  }
}

/**
 * No Cross-Origin-Opener-Policy: on a tab's first navigation (a typed URL, a shared link) COOP
 * makes Chromium swap browsing-context groups when the response arrives, so the page waits for a
 * second renderer process to start: its first script ran 240–420 ms after navigation against
 * 75–200 ms without, every join paying it. The page holds nothing an opener could take (no
 * credentials; a token in the URL stays unreadable cross-origin), and framing is refused.
 */
function sendPage(req: IncomingMessage, res: ServerResponse, status: number, html: string): void {
  const host = req.headers.host ?? '';
  if (!HOST.test(host)) return send(res, 400, 'text/plain; charset=utf-8', 'bad Host header');
  send(res, status, 'text/html; charset=utf-8', html, {
    'Content-Security-Policy': contentSecurityPolicy(host),
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
  });
}

/**
 * Scripts and styles from this relay only, no inline code but the early-session script (by its
 * hash), no frames, no plugins; the page may talk to this relay over HTTP, WebTransport
 * (https://) and WebSocket, and play MSE blobs.
 */
export function contentSecurityPolicy(host: string): string {
  return [
    "default-src 'none'",
    `script-src 'self' ${EARLY_SESSION_SCRIPT_HASH}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "media-src 'self' blob:",
    `connect-src 'self' https://${host} ws://${host} wss://${host}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(body);
}
