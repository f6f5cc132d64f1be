import type { TransportChoice } from '../client/index.js';
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
