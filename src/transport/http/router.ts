import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpFrontendError } from './http-error.js';

/** Serves one method + path. A thrown error or rejection becomes a 500. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * Exact-path routes, and prefix routes for path families (`/watch/` serves `/watch/any/name`).
 * An exact route wins over a prefix; among prefixes the longest wins. HEAD falls back to GET
 * (Node drops the body); OPTIONS is a CORS preflight.
 */
export class Router {
  readonly #routes = new Map<string, Map<string, RouteHandler>>();
  readonly #prefixes = new Map<string, Map<string, RouteHandler>>();

  add(method: string, path: string, handler: RouteHandler): void {
    addTo(this.#routes, method, path, handler);
  }

  /** Serves every path that starts with `prefix` (give it a trailing `/` to mean a folder). */
  addPrefix(method: string, prefix: string, handler: RouteHandler): void {
    if (!prefix.startsWith('/')) {
      throw new HttpFrontendError('INVALID_ROUTE', `a route prefix must start with /: ${prefix}`);
    }
    addTo(this.#prefixes, method, prefix, handler);
  }

  async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const byMethod = this.#match(pathOf(req));
    if (!byMethod) return sendText(res, 404, 'not found');
    const verb = (req.method ?? 'GET').toUpperCase();
    const handler = byMethod.get(verb) ?? (verb === 'HEAD' ? byMethod.get('GET') : undefined);
    if (handler) return runHandler(handler, req, res);
    if (verb === 'OPTIONS') return preflight(req, res, allowedMethods(byMethod));
    res.setHeader('Allow', allowedMethods(byMethod));
    return sendText(res, 405, 'method not allowed');
  }

  #match(path: string): Map<string, RouteHandler> | undefined {
    const exact = this.#routes.get(path);
    if (exact) return exact;
    let best: string | undefined;
    for (const prefix of this.#prefixes.keys()) {
      if (path.startsWith(prefix) && (best === undefined || prefix.length > best.length)) {
        best = prefix;
      }
    }
    return best === undefined ? undefined : this.#prefixes.get(best);
  }
}

function addTo(
  table: Map<string, Map<string, RouteHandler>>,
  method: string,
  path: string,
  handler: RouteHandler,
): void {
  const byMethod = table.get(path) ?? new Map<string, RouteHandler>();
  const verb = method.toUpperCase();
  if (byMethod.has(verb)) {
    throw new HttpFrontendError('ROUTE_EXISTS', `a route for ${verb} ${path} already exists`);
  }
  byMethod.set(verb, handler);
  table.set(path, byMethod);
}

async function runHandler(handler: RouteHandler, req: IncomingMessage, res: ServerResponse) {
  try {
    await handler(req, res);
  } catch {
    // The handler's bug must cost one response, never the server.
    if (!res.headersSent) sendText(res, 500, 'internal error');
    else res.destroy();
  }
}

/**
 * Answers a CORS preflight for a known path. Allowing the method is harmless on its own: a
 * browser still reads the real response only if that one carries Access-Control-Allow-Origin.
 */
function preflight(req: IncomingMessage, res: ServerResponse, methods: string): void {
  const requested = req.headers['access-control-request-headers'];
  res.writeHead(204, {
    'Access-Control-Allow-Origin': '*',
    'Access-Control-Allow-Methods': methods,
    ...(requested ? { 'Access-Control-Allow-Headers': requested } : {}),
    'Access-Control-Max-Age': '86400',
  });
  res.end();
}

function allowedMethods(byMethod: Map<string, RouteHandler>): string {
  const verbs = new Set([...byMethod.keys(), 'OPTIONS']);
  if (verbs.has('GET')) verbs.add('HEAD');
  return [...verbs].join(', ');
}

function pathOf(req: IncomingMessage): string {
  const target = req.url ?? '/';
  const end = target.search(/[?#]/);
  return end === -1 ? target : target.slice(0, end);
}

/** A short plain-text response. */
export function sendText(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}
