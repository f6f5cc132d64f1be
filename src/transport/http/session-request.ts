import type { IncomingMessage } from 'node:http';
import {
  defaultPolicy,
  type SessionDecision,
  type SessionPolicy,
  type SessionRequest,
} from '../session.js';

const AUTHORITY = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~%-]+)(:[0-9]{1,5})?$/;

/**
 * Describes a WebSocket upgrade as a `SessionRequest`: the URL from Host + path (with the scheme
 * the TCP side serves, matching the https:// URL a WebTransport client would use), the Origin
 * header and the application protocols offered. Undefined when the target is not a path or the
 * Host header does not make a URL.
 */
export function buildSessionRequest(
  req: IncomingMessage,
  scheme: 'http' | 'https',
  offeredProtocols: readonly string[],
): SessionRequest | undefined {
  const target = req.url ?? '/';
  // Only origin-form targets: an absolute URL here would let the client pick the host we report.
  if (!target.startsWith('/')) return undefined;
  const host = req.headers.host ?? localAuthority(req);
  // A Host with '/', '@', '?' or '#' would move the path or smuggle in credentials.
  if (!AUTHORITY.test(host)) return undefined;
  let url: URL;
  try {
    url = new URL(`${scheme}://${host}${target}`);
  } catch {
    return undefined;
  }
  return {
    transport: 'qmux',
    url,
    origin: req.headers.origin,
    offeredProtocols,
    remoteAddress: req.socket.remoteAddress ?? '',
  };
}

function localAuthority(req: IncomingMessage): string {
  const address = req.socket.localAddress ?? 'localhost';
  const host = address.includes(':') ? `[${address}]` : address;
  return `${host}:${req.socket.localPort ?? ''}`;
}

/**
 * The frontend's policy when none is given: the shared default over `supportedProtocols`, or,
 * without that list, whatever the client prefers (its first offer).
 */
export function frontendPolicy(supportedProtocols?: readonly string[]): SessionPolicy {
  if (supportedProtocols) return defaultPolicy(supportedProtocols);
  return (request) => defaultPolicy(request.offeredProtocols)(request);
}

/** Runs the policy; one that throws or answers nonsense refuses the request with a 500. */
export function decide(policy: SessionPolicy, request: SessionRequest): SessionDecision {
  try {
    const decision = policy(request);
    if (decision.accept) return decision;
    const valid =
      Number.isInteger(decision.status) && decision.status >= 400 && decision.status < 600;
    return valid ? decision : { accept: false, status: 500 };
  } catch {
    return { accept: false, status: 500 };
  }
}
