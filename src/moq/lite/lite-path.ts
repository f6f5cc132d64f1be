import { LiteError } from './lite-error.js';

/** moq-lite's path limit, which is also draft-14's namespace tuple limit. */
const MAX_PARTS = 32;

/**
 * moq-lite names a broadcast by a `/`-separated path; our model by a namespace tuple. Slashes at
 * the ends and runs of them are collapsed, as moq-lite's own Path does, so `a//b/` is `a/b`.
 */
export function namespaceOfPath(path: string): string[] {
  const parts = path.split('/').filter((part) => part !== '');
  if (parts.length > MAX_PARTS)
    throw new LiteError('MALFORMED', `path has over ${MAX_PARTS} parts`);
  return parts;
}

export function pathOfNamespace(namespace: readonly string[]): string {
  return namespace.join('/');
}

/** `path` below `prefix` without it (both normalized), or undefined when it is not below it. */
export function stripPathPrefix(prefix: string, path: string): string | undefined {
  if (prefix === '') return path;
  if (path === prefix) return '';
  return path.startsWith(`${prefix}/`) ? path.slice(prefix.length + 1) : undefined;
}

export function joinPath(prefix: string, suffix: string): string {
  if (prefix === '') return suffix;
  if (suffix === '') return prefix;
  return `${prefix}/${suffix}`;
}
