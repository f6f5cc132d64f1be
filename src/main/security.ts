// Pure security policy of the shell (no Electron import, so it is unit-testable under Node).
import { isAbsolute, relative, resolve } from 'node:path';

/** The privileged scheme the built renderer is served from, instead of file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'studio';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** The only permissions a trusted page may be granted (camera/mic and screen capture). */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['media', 'display-capture']);

/** Whether `url` is one of our pages: app://studio/…, or the dev server when one is in use. */
export function isTrustedUrl(url: string, devUrl?: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  // Node gives non-special schemes an opaque origin ('null'), so compare scheme and host.
  if (parsed.protocol === `${APP_SCHEME}:`) return parsed.host === APP_HOST;
  if (devUrl === undefined) return false;
  const dev = new URL(devUrl);
  return parsed.protocol === dev.protocol && parsed.host === dev.host;
}

const RELAY_SOURCES = 'http: https: ws: wss:';

/** The renderer's Content-Security-Policy; the dev server also needs React refresh and HMR. */
export function contentSecurityPolicy(devUrl?: string): string {
  const dev = devUrl === undefined ? undefined : new URL(devUrl);
  return [
    "default-src 'none'",
    dev ? "script-src 'self' 'unsafe-inline'" : "script-src 'self'",
    dev ? "style-src 'self' 'unsafe-inline'" : "style-src 'self'", // Vite injects <style> in dev
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    "font-src 'self'",
    // The preview and the watch window play from relays on other origins (the built-in relay's
    // own port, or any relay URL typed in): certificate hash over HTTP(S), then WebTransport
    // (https:) or the WebSocket fallback. Scripts stay 'self' only.
    dev
      ? `connect-src 'self' ws://${dev.host} ${RELAY_SOURCES}`
      : `connect-src 'self' ${RELAY_SOURCES}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The file under `root` that an app://studio/ `pathname` names, or undefined if it escapes. */
export function rendererFile(root: string, pathname: string): string | undefined {
  const path = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
  const file = resolve(root, `.${path}`);
  const inside = relative(root, file);
  return inside === '' || inside.startsWith('..') || isAbsolute(inside) ? undefined : file;
}
