/**
 * The slice of the Reflect Metadata API that @peculiar/x509 needs. It resolves its algorithm
 * classes through tsyringe, which refuses to load unless `Reflect.getMetadata` exists, and only
 * ever reads and writes metadata (`design:paramtypes`, injection tokens). The project has no
 * `reflect-metadata` dependency, so this installs a minimal store, and nothing if a full
 * polyfill is already present.
 */

type MetadataKey = unknown;
type Target = object;

const store = new WeakMap<Target, Map<string | symbol | undefined, Map<MetadataKey, unknown>>>();

function ownMap(target: Target, property: string | symbol | undefined, create: boolean) {
  let byProperty = store.get(target);
  if (!byProperty) {
    if (!create) return undefined;
    byProperty = new Map();
    store.set(target, byProperty);
  }
  let entries = byProperty.get(property);
  if (!entries && create) {
    entries = new Map();
    byProperty.set(property, entries);
  }
  return entries;
}

function getOwnMetadata(key: MetadataKey, target: Target, property?: string | symbol): unknown {
  return ownMap(target, property, false)?.get(key);
}

function hasOwnMetadata(key: MetadataKey, target: Target, property?: string | symbol): boolean {
  return ownMap(target, property, false)?.has(key) ?? false;
}

function getMetadata(key: MetadataKey, target: Target, property?: string | symbol): unknown {
  // Metadata is inherited along the prototype chain, as in the proposal.
  for (let t: Target | null = target; t !== null; t = Object.getPrototypeOf(t) as Target | null) {
    if (hasOwnMetadata(key, t, property)) return getOwnMetadata(key, t, property);
  }
  return undefined;
}

function defineMetadata(
  key: MetadataKey,
  value: unknown,
  target: Target,
  property?: string | symbol,
): void {
  ownMap(target, property, true)?.set(key, value);
}

function metadata(key: MetadataKey, value: unknown) {
  return (target: Target, property?: string | symbol): void =>
    defineMetadata(key, value, target, property);
}

const reflect = Reflect as unknown as Record<string, unknown>;
if (typeof reflect['getMetadata'] !== 'function') {
  Object.assign(reflect, {
    getMetadata,
    getOwnMetadata,
    hasMetadata: (key: MetadataKey, target: Target, property?: string | symbol) =>
      getMetadata(key, target, property) !== undefined,
    hasOwnMetadata,
    defineMetadata,
    metadata,
  });
}
