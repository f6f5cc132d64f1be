/**
 * The extended CONNECT that opens a WebTransport session (RFC 9220, draft-ietf-webtrans-http3
 * §3), and sub-protocol negotiation through `wt-available-protocols` / `wt-protocol` (§3.3),
 * whose values are Structured Fields (RFC 8941): a list of strings, and one string.
 */
export interface ConnectRequest {
  authority: string;
  path: string;
  origin: string | undefined;
  protocols: string[];
}

export type ConnectParse =
  { ok: true; request: ConnectRequest } | { ok: false; status: number; reason: string };

export function parseConnectRequest(
  fields: ReadonlyArray<readonly [string, string]>,
): ConnectParse {
  const get = (name: string): string | undefined => fields.find(([n]) => n === name)?.[1];
  const method = get(':method');
  if (method !== 'CONNECT')
    return { ok: false, status: 405, reason: `method ${method ?? '(none)'}` };
  const protocol = get(':protocol');
  if (protocol === undefined)
    return { ok: false, status: 400, reason: 'CONNECT without :protocol' };
  if (protocol !== 'webtransport' && protocol !== 'webtransport-h3') {
    return { ok: false, status: 501, reason: `unsupported :protocol ${protocol}` };
  }
  const scheme = get(':scheme');
  const authority = get(':authority');
  const path = get(':path');
  if (scheme !== 'https' || !authority || !path || !path.startsWith('/')) {
    return { ok: false, status: 400, reason: 'CONNECT needs :scheme https, :authority and :path' };
  }
  const offered = get('wt-available-protocols');
  const protocols = offered === undefined ? [] : parseStringList(offered);
  if (protocols === undefined)
    return { ok: false, status: 400, reason: 'bad wt-available-protocols' };
  return { ok: true, request: { authority, path, origin: get('origin'), protocols } };
}

/** Parses an RFC 8941 list whose members are sf-strings (parameters ignored). */
export function parseStringList(value: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  const skipSpace = (): void => {
    while (value[i] === ' ' || value[i] === '\t') i++;
  };
  skipSpace();
  while (i < value.length) {
    if (value[i] !== '"') return undefined;
    i++;
    let item = '';
    for (;;) {
      const ch = value[i++];
      if (ch === undefined) return undefined;
      if (ch === '"') break;
      if (ch === '\\') {
        const next = value[i++];
        if (next !== '"' && next !== '\\') return undefined;
        item += next;
        continue;
      }
      const code = ch.charCodeAt(0);
      if (code < 0x20 || code > 0x7e) return undefined;
      item += ch;
    }
    out.push(item);
    while (i < value.length && value[i] !== ',') i++; // parameters: not used by WebTransport
    i++;
    skipSpace();
  }
  return out;
}

/** Serializes one sf-string. */
export function formatString(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export function parseString(value: string): string | undefined {
  const list = parseStringList(value);
  return list?.length === 1 ? list[0] : undefined;
}
