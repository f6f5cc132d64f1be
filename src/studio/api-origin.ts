import { isIP } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Whether an `/api` upgrade may proceed, judged by its Host and Origin headers (the token is
 * checked separately). A page on another site cannot open the API from a visitor's browser:
 * its Origin is not the studio's. DNS rebinding (an attacker's name pointed at 127.0.0.1) is
 * refused by Host: only loopback names, IP literals and the names the studio was given pass.
 * Clients that are not browsers send no Origin; the token alone guards them.
 */
export function apiRequestAllowed(
  headers: IncomingHttpHeaders,
  allowedHosts: readonly string[] = [],
): boolean {
  const host = headers.host;
  if (!host || !hostAllowed(hostName(host), allowedHosts)) return false;
  const origin = headers.origin;
  if (origin === undefined) return true;
  return origin === `http://${host}` || origin === `https://${host}`;
}

function hostAllowed(name: string, allowedHosts: readonly string[]): boolean {
  const lower = name.toLowerCase();
  if (lower === 'localhost' || lower.endsWith('.localhost')) return true;
  if (isIP(lower) !== 0) return true;
  return allowedHosts.some((allowed) => allowed.toLowerCase() === lower);
}

/** `name:port`, `[v6]:port` or a bare name → the name without brackets or port. */
function hostName(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}
