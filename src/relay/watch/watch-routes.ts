import type { IncomingMessage, ServerResponse } from 'node:http';
import { isChatNamespace } from '../../chat/index.js';
import type { TransportServer } from '../../transport/index.js';
import { namespacePath } from '../namespace.js';
import type { Origin } from '../origin.js';
import { PlayerBundle, PlayerBundleError } from './player-bundle.js';
import { listPage, WATCH_CSS, watchPage, watchPath } from './watch-html.js';
import { pageOf } from './watch-paging.js';

const PAGE_PREFIX = '/watch/';
// What a Host header may look like (name or address, optional port); anything else is refused.
const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The viewer-facing routes: `/watch` lists live broadcasts (HTML, or JSON at `/watch.json`),
 * `/watch/NAME` is the watch page (NAME may contain `/`), `/player/watch.js` the player.
 */
export function serveWatch(server: TransportServer, origin: Origin): void {
  const bundle = new PlayerBundle();
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
  server.addPrefixRoute('GET', PAGE_PREFIX, (req, res) => {
    const name = nameFromPath(req.url ?? '');
    if (!name) return send(res, 404, 'text/plain; charset=utf-8', 'no broadcast name');
    sendPage(req, res, 200, watchPage(name));
  });
  server.addRoute('GET', '/player/watch.css', (_req, res) =>
    send(res, 200, 'text/css; charset=utf-8', WATCH_CSS, { 'Cache-Control': 'no-cache' }),
  );
  server.addRoute('GET', '/player/watch.js', async (_req, res) => {
    try {
      const script = await bundle.get();
      send(res, 200, 'text/javascript; charset=utf-8', script, { 'Cache-Control': 'no-cache' });
    } catch (error) {
      if (!(error instanceof PlayerBundleError)) throw error;
      send(res, 503, 'text/plain; charset=utf-8', error.message);
    }
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

function sendPage(req: IncomingMessage, res: ServerResponse, status: number, html: string): void {
  const host = req.headers.host ?? '';
  if (!HOST.test(host)) return send(res, 400, 'text/plain; charset=utf-8', 'bad Host header');
  send(res, status, 'text/html; charset=utf-8', html, {
    'Content-Security-Policy': contentSecurityPolicy(host),
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
  });
}

/**
 * Scripts and styles from this relay only, no inline code, no frames, no plugins; the page may
 * talk to this relay over HTTP, WebTransport (https://) and WebSocket, and play MSE blobs.
 */
export function contentSecurityPolicy(host: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
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
