import { timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer } from 'ws';
import { STUDIO_WS_PATH, type StudioApi } from './studio-api.js';
import { apiRequestAllowed } from './api-origin.js';
import { serveStudioSocket } from './studio-socket.js';

export interface StudioHttpServerOptions {
  api: StudioApi;
  host: string;
  port: number;
  /** The secret every WebSocket must present as `?token=`. */
  token: string;
  /** The built renderer (`out/renderer`); a 503 page says how to build it when it is missing. */
  rendererDir: string;
  /** Host names (besides loopback names and IP literals) the API answers to. */
  allowedHosts?: readonly string[];
}

/** Largest API frame: a camera chunk is well under this; a bigger frame closes that socket. */
export const MAX_API_FRAME_BYTES = 16 * 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
};

/**
 * What the served pages may do: only their own scripts and styles, but connections to any relay
 * the user types (http: for its certificate hash, https: for WebTransport, ws:/wss: for the API
 * and the WebSocket fallback) and camera/screen media.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "font-src 'self'",
  "connect-src 'self' http: https: ws: wss:",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The headless studio's front door: the renderer's files over HTTP and StudioApi over a
 * WebSocket at /api. Pages are public (they hold no secret); the API needs the token.
 */
export class StudioHttpServer {
  readonly #server: Server;
  readonly #sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_API_FRAME_BYTES });

  private constructor(
    server: Server,
    private readonly options: StudioHttpServerOptions,
  ) {
    this.#server = server;
  }

  static async listen(options: StudioHttpServerOptions): Promise<StudioHttpServer> {
    const server = createServer();
    const studio = new StudioHttpServer(server, options);
    server.on('request', (req, res) => {
      studio.#serveFile(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(400);
        res.end();
      });
    });
    server.on('upgrade', (req, socket, head) => studio.#upgrade(req, socket, head));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return studio;
  }

  get port(): number {
    const address = this.#server.address();
    return typeof address === 'object' && address ? address.port : this.options.port;
  }

  /** Closes every WebSocket and the listener. Safe to call twice. */
  async close(): Promise<void> {
    for (const client of this.#sockets.clients) client.close(1001, 'the studio is closing');
    this.#sockets.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Until `ws` owns the socket, a reset must not become an unhandled 'error' event.
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://studio');
    if (url.pathname !== STUDIO_WS_PATH) return refuse(socket, 404, 'Not Found');
    if (!apiRequestAllowed(req.headers, this.options.allowedHosts)) {
      return refuse(socket, 403, 'Forbidden');
    }
    if (!sameSecret(url.searchParams.get('token') ?? '', this.options.token)) {
      return refuse(socket, 401, 'Unauthorized');
    }
    this.#sockets.handleUpgrade(req, socket, head, (ws) => serveStudioSocket(this.options.api, ws));
  }

  async #serveFile(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const path = new URL(req.url ?? '/', 'http://studio').pathname;
    const root = resolve(this.options.rendererDir);
    const index = join(root, 'index.html');
    if (!(await isFile(index))) return notBuilt(res, root);
    const file = resolve(root, `.${normalize(decodeURIComponent(path))}`);
    const inside = file === root || file.startsWith(root + sep);
    // Unknown paths get the app (it routes on the client); files outside the folder never.
    const target = inside && (await isFile(file)) ? file : index;
    const body = await readFile(target);
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(target)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'content-security-policy': PAGE_CSP,
      'referrer-policy': 'no-referrer',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

function notBuilt(res: ServerResponse, root: string): void {
  res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'retry-after': '30' });
  res.end(`<!doctype html><meta charset="utf-8"><title>MoQ Studio: not built</title>
<h1>The studio's pages are not built yet</h1>
<p>No renderer was found in <code>${escapeHtml(root)}</code>. Run <code>npm run build</code> in the
moq-studio checkout, then reload this page. The studio API is already running.</p>`);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
