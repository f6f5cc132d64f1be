import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.mp4': 'video/mp4',
  '.m4s': 'video/iso.segment',
};

export interface StaticServer {
  url: string;
  close: () => Promise<void>;
}

/**
 * The HLS origin: `/` is the player page, `/live/NAME` a file of ffmpeg's output directory.
 * Nothing may be cached, since the playlist changes every segment.
 */
export async function serveHls(pageHtml: string, liveDir: string): Promise<StaticServer> {
  const server = createServer((req, res) => void respond(req, res, pageHtml, liveDir));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function respond(
  req: IncomingMessage,
  res: ServerResponse,
  pageHtml: string,
  liveDir: string,
): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const headers = { 'cache-control': 'no-store', 'access-control-allow-origin': '*' };
  if (path === '/') {
    res.writeHead(200, { ...headers, 'content-type': 'text/html' }).end(pageHtml);
    return;
  }
  const name = normalize(path.slice('/live/'.length));
  if (!path.startsWith('/live/') || name.startsWith('..') || name.includes('/')) {
    res.writeHead(404, headers).end();
    return;
  }
  try {
    const body = await readFile(join(liveDir, name));
    const ext = name.slice(name.lastIndexOf('.'));
    res.writeHead(200, { ...headers, 'content-type': TYPES[ext] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    // Deleted by ffmpeg's delete_segments, or not written yet.
    res.writeHead(404, headers).end();
  }
}
