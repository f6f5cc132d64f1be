import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

interface Encoded {
  script: string;
  etag: string;
  plain: Buffer;
  gzip: Buffer;
}

/** Chunk names carry their content's hash: a chunk never changes under its name. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The player's scripts as the relay sends them: gzip-compressed once per build (not per
 * request: the relay's CPU belongs to its viewers' media) for browsers that take it, about a
 * third of the bytes on a viewer's link; content-hashed chunks cached for good, and the entry
 * revalidated by its ETag, so a returning viewer's join fetches nothing but the page.
 */
export class ScriptResponses {
  readonly #encoded = new Map<string, Encoded>();

  send(
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
    script: string,
    immutable: boolean,
  ): void {
    const encoded = this.#encode(name, script);
    const headers: Record<string, string> = {
      'Content-Type': 'text/javascript; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': immutable ? IMMUTABLE : 'no-cache',
      ETag: encoded.etag,
      Vary: 'Accept-Encoding',
    };
    if (req.headers['if-none-match'] === encoded.etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const gzip = acceptsGzip(req.headers['accept-encoding']);
    const body = gzip ? encoded.gzip : encoded.plain;
    res.writeHead(200, {
      ...headers,
      ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
      'Content-Length': String(body.length),
    });
    res.end(body);
  }

  #encode(name: string, script: string): Encoded {
    const known = this.#encoded.get(name);
    if (known?.script === script) return known;
    const plain = Buffer.from(script, 'utf8');
    const etag = `"${createHash('sha256').update(plain).digest('base64url').slice(0, 27)}"`;
    const encoded = { script, etag, plain, gzip: gzipSync(plain, { level: 9 }) };
    this.#encoded.set(name, encoded);
    return encoded;
  }
}

/** Whether an Accept-Encoding header takes gzip (and does not refuse it with q=0). */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  return value.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}
