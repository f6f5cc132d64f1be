import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { APP_HOST, APP_SCHEME, rendererFile } from './security.js';

/** Makes app:// a standard, secure scheme (WebTransport and WebCodecs need a secure context). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
    },
  ]);
}

const notFound = (): Response => new Response('Not found', { status: 404 });

/** Serves the files under `root` (the built renderer) read-only at app://studio/, with `csp`. */
export function serveRenderer(root: string, csp: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    try {
      const { host, pathname } = new URL(request.url);
      const file = host === APP_HOST && request.method === 'GET' && rendererFile(root, pathname);
      if (!file) return notFound();
      const response = await net.fetch(pathToFileURL(file).href);
      const headers = new Headers(response.headers);
      headers.set('Content-Security-Policy', csp);
      return new Response(response.body, { status: response.status, headers });
    } catch {
      return notFound();
    }
  });
}
