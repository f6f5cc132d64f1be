/** A track namespace: a tuple of fields (§2.4.1). */
export type Namespace = readonly string[];

/** A map key for a namespace; JSON keeps fields containing any character apart. */
export function namespaceKey(namespace: Namespace): string {
  return JSON.stringify(namespace);
}

export function hasPrefix(namespace: Namespace, prefix: Namespace): boolean {
  if (prefix.length > namespace.length) return false;
  return prefix.every((field, i) => namespace[i] === field);
}

export function namespacePath(namespace: Namespace): string {
  return namespace.join('/');
}
