import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { StudioClient, type WebSocketConstructor } from './studio-client.js';
import { StudioHttpServer } from './studio-http-server.js';
import type { Studio } from './studio.js';
import { tempStudio } from './studio-test-kit.js';

export const Socket = WebSocket as unknown as WebSocketConstructor;

/** A headless studio behind its HTTP server (a stub renderer), with a client on `/api`. */
export interface ServedStudio {
  studio: Studio;
  server: StudioHttpServer;
  client: StudioClient;
  /** The stub renderer's folder (a scratch place the studio's files may go too). */
  rendererDir: string;
  close(): Promise<void>;
}

export async function servedStudio(
  token: string,
  files: Record<string, string> = {},
): Promise<ServedStudio> {
  const { studio, dispose } = await tempStudio();
  const rendererDir = await mkdtemp(join(tmpdir(), 'studio-renderer-'));
  const pages = { 'index.html': '<!doctype html><title>studio</title>', ...files };
  for (const [name, text] of Object.entries(pages)) await writeFile(join(rendererDir, name), text);
  const server = await StudioHttpServer.listen({
    api: studio,
    host: '127.0.0.1',
    port: 0,
    token,
    rendererDir,
  });
  const client = await StudioClient.fromPage(`http://127.0.0.1:${server.port}/?token=${token}`, {
    WebSocket: Socket,
  });
  return {
    studio,
    server,
    client,
    rendererDir,
    close: async () => {
      client.close();
      await server.close();
      await dispose();
      await rm(rendererDir, { recursive: true, force: true });
    },
  };
}

/** The HTTP status a WebSocket upgrade to `url` gets with `headers` (101 when accepted). */
export function upgradeStatusOf(
  url: string,
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}
