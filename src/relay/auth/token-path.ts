/**
 * Paths as moq-dev's tokens use them: segments joined by '/', slashes at the ends implicit
 * (`/demo/` is `demo`), and prefixes that match on segment boundaries (`foo` covers `foo/bar`,
 * never `foobar`). The empty path is the root and covers everything.
 */
export function normalizePath(path: string): string {
  return path
    .split('/')
    .filter((segment) => segment !== '')
    .join('/');
}

export function joinPath(a: string, b: string): string {
  const left = normalizePath(a);
  const right = normalizePath(b);
  if (left === '') return right;
  if (right === '') return left;
  return `${left}/${right}`;
}

/** Whether normalized `path` is `prefix` or lies below it. */
export function hasPathPrefix(path: string, prefix: string): boolean {
  if (prefix === '') return true;
  return path === prefix || path.startsWith(`${prefix}/`);
}

/** What is left of normalized `path` below `prefix`, or undefined when it is not below it. */
export function stripPathPrefix(path: string, prefix: string): string | undefined {
  if (prefix === '') return path;
  if (path === prefix) return '';
  return path.startsWith(`${prefix}/`) ? path.slice(prefix.length + 1) : undefined;
}
