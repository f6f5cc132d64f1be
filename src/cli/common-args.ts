import { readFileSync } from 'node:fs';
import { protocolsForDraft, type TransportChoice } from '../client/index.js';
import { CliError } from './cli-error.js';

export const TRANSPORTS: readonly TransportChoice[] = ['auto', 'quic', 'websocket'];

/** A relay URL: http:// (pinned certificate hash) or https://. */
export function parseRelayUrl(text: string | undefined): URL {
  if (text === undefined) throw new CliError('USAGE', '--url is required');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError('USAGE', `--url is not a URL: '${text}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError('USAGE', `--url must be http:// or https://, got '${text}'`);
  }
  return url;
}

/** A namespace path: non-empty parts separated by '/'. */
export function parseNamespace(flag: string, text: string): string[] {
  const parts = text.split('/');
  if (parts.some((part) => part === '')) {
    throw new CliError('USAGE', `--${flag} has an empty part: '${text}'`);
  }
  return parts;
}

/** The usage line every client CLI shares for --token-file. */
export const TOKEN_FILE_USAGE = `  --token-file FILE     a relay token (moq-token sign) sent as ?jwt= (or put ?jwt= in --url)`;

/** The relay URL with the token from `--token-file` as `?jwt=` (a file's token wins). */
export function withTokenFile(url: URL, path: string | undefined): URL {
  if (path === undefined) return url;
  let token: string;
  try {
    token = readFileSync(path, 'utf8').trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new CliError('CONFIG', `--token-file ${path}: cannot read it (${code})`);
  }
  if (token === '') throw new CliError('CONFIG', `--token-file ${path} is empty`);
  const withToken = new URL(url);
  withToken.searchParams.set('jwt', token);
  return withToken;
}

/** The usage line every client CLI shares for --draft. */
export const DRAFT_USAGE = `  --draft N             speak only MoQ Transport draft N (14, 16 or 18); default: offer all, 14 first`;

/** The protocols `--draft N` pins; undefined (every draft we speak) without the flag. */
export function parseDraft(text: string | undefined): readonly string[] | undefined {
  if (text === undefined) return undefined;
  const draft = Number(text);
  try {
    if (!Number.isInteger(draft)) throw new RangeError('not a number');
    return protocolsForDraft(draft);
  } catch {
    throw new CliError('USAGE', `--draft must be 14, 16 or 18, got '${text}'`);
  }
}
