import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Why the player bundle cannot be served. */
export class PlayerBundleError extends Error {
  override readonly name = 'PlayerBundleError';
  constructor(
    readonly code: 'BUNDLER_MISSING' | 'BUILD_FAILED',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const ROOT = new URL('../../../', import.meta.url);
/** Where `npm run build` (scripts/build-player.ts) writes the bundle: its entry and chunks. */
const BUILT_DIR = fileURLToPath(new URL('out/player/', ROOT));
export const BUILT_BUNDLE = join(BUILT_DIR, 'watch.js');
/** The entry's file name, and what a lazily loaded chunk's name looks like. */
export const ENTRY_FILE = 'watch.js';
export const CHUNK_FILE = /^chunk-[A-Za-z0-9_-]+\.js$/;
/** What the bundle is made from (the player imports the MoQ library and the media code). */
const SOURCES = fileURLToPath(new URL('src/', ROOT));
/** The bundle's entry: the watch app. */
export const PLAYER_ENTRY = fileURLToPath(new URL('src/watch-browser/watch-page.ts', ROOT));

/**
 * mp4box is side-effect free as the player uses it — which is not at all: the player reads init
 * segments itself (src/media/cmaf/init-reader.ts). Said so, esbuild drops it (about 40 % of the
 * script the join would otherwise load); its package declares nothing either way.
 */
interface ResolveArgs {
  path: string;
  kind: string;
  resolveDir: string;
  importer: string;
  pluginData?: unknown;
}

const MP4BOX_UNUSED = {
  name: 'mp4box-side-effect-free',
  setup(build: {
    onResolve(
      options: { filter: RegExp },
      callback: (args: ResolveArgs) => Promise<{ path: string; sideEffects: boolean } | undefined>,
    ): void;
    resolve(
      path: string,
      options: Omit<ResolveArgs, 'path'>,
    ): Promise<{ path: string; errors: unknown[] }>;
  }): void {
    build.onResolve({ filter: /^mp4box$/ }, async (args) => {
      if (args.pluginData === MP4BOX_UNUSED) return undefined; // our own lookup, below
      const { kind, resolveDir, importer } = args;
      const found = await build.resolve(args.path, {
        kind,
        resolveDir,
        importer,
        pluginData: MP4BOX_UNUSED,
      });
      return found.errors.length > 0 ? undefined : { path: found.path, sideEffects: false };
    });
  },
};

/**
 * The one set of bundling options: `npm run build` (scripts/build-player.ts) and the fallback.
 * Split: what the join does not need (chat, MSE playback) is a chunk the page imports later.
 */
const BUNDLE_OPTIONS = {
  plugins: [MP4BOX_UNUSED],
  entryPoints: [PLAYER_ENTRY],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'chrome120',
  minify: true,
  splitting: true,
  outdir: BUILT_DIR,
  entryNames: 'watch',
  chunkNames: 'chunk-[hash]',
} as const;

interface EsbuildLike {
  build(
    options: Record<string, unknown>,
  ): Promise<{ outputFiles?: Array<{ path: string; text: string }> }>;
}

/** The bundle's files by name: `watch.js` and its chunks. */
export type BundleFiles = ReadonlyMap<string, string>;

/** Writes the bundle to out/player/watch.js (with a linked source map): `npm run build`. */
export async function buildPlayerBundle(): Promise<string> {
  const esbuild = await loadEsbuild();
  // Chunks are named by content: the last build's would pile up.
  for (const name of await readdir(BUILT_DIR).catch(() => [])) {
    if (name.startsWith('chunk-')) await rm(join(BUILT_DIR, name), { force: true });
  }
  await esbuild.build({ ...BUNDLE_OPTIONS, sourcemap: 'linked', logLevel: 'info' });
  return BUILT_BUNDLE;
}

async function loadEsbuild(): Promise<EsbuildLike> {
  try {
    return await import('esbuild');
  } catch (cause) {
    throw new PlayerBundleError(
      'BUNDLER_MISSING',
      'the player is not built and esbuild is not installed: run `npm run build`',
      { cause },
    );
  }
}

/**
 * The watch page's script: the built file when there is one and no source is newer, else
 * bundled once on demand with esbuild (a fresh or edited checkout in development and tests). A
 * deployment without esbuild must run `npm run build` first.
 */
export class PlayerBundle {
  #cached: Promise<BundleFiles> | undefined;

  /** One file of the bundle (`watch.js` or a chunk), undefined when it has no such file. */
  async file(name: string): Promise<string | undefined> {
    return (await this.files()).get(name);
  }

  /**
   * The chunks the entry imports statically, for `<link rel="modulepreload">`: the browser then
   * fetches them beside the entry instead of after parsing it.
   */
  async staticChunks(): Promise<string[]> {
    const entry = await this.get();
    const names = [...entry.matchAll(/(?:from|import)\s*"\.\/(chunk-[A-Za-z0-9_-]+\.js)"/g)];
    return [...new Set(names.map((match) => match[1] as string))];
  }

  /** The entry, `watch.js`. */
  async get(): Promise<string> {
    const entry = await this.file(ENTRY_FILE);
    if (entry === undefined) throw new PlayerBundleError('BUILD_FAILED', 'the bundle has no entry');
    return entry;
  }

  files(): Promise<BundleFiles> {
    this.#cached ??= this.#load();
    // A failure is not cached: building may succeed on a later request.
    this.#cached.catch(() => (this.#cached = undefined));
    return this.#cached;
  }

  async #load(): Promise<BundleFiles> {
    const built = await stat(BUILT_BUNDLE).catch(() => undefined);
    if (!built) return bundleOnDemand();
    // In a checkout, sources edited after the last build win (when esbuild is at hand).
    if (await newerThan(SOURCES, built.mtimeMs)) {
      try {
        return await bundleOnDemand();
      } catch (error) {
        if (!(error instanceof PlayerBundleError) || error.code !== 'BUNDLER_MISSING') throw error;
      }
    }
    return readBuilt();
  }
}

async function readBuilt(): Promise<BundleFiles> {
  const files = new Map<string, string>();
  for (const name of await readdir(BUILT_DIR)) {
    if (name === ENTRY_FILE || CHUNK_FILE.test(name)) {
      files.set(name, await readFile(join(BUILT_DIR, name), 'utf8'));
    }
  }
  return files;
}

/** Whether any TypeScript file under `dir` changed after `mtimeMs` (false when there is none). */
async function newerThan(dir: string, mtimeMs: number): Promise<boolean> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return false; // no sources shipped: the build is all there is
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (await newerThan(path, mtimeMs)) return true;
    } else if (/\.tsx?$/.test(entry.name) && (await stat(path)).mtimeMs > mtimeMs) {
      return true;
    }
  }
  return false;
}

/** Development only: a checkout whose sources changed since the last build, or were never built. */
async function bundleOnDemand(): Promise<BundleFiles> {
  const esbuild = await loadEsbuild();
  try {
    const result = await esbuild.build({ ...BUNDLE_OPTIONS, write: false, logLevel: 'silent' });
    const files = new Map<string, string>();
    for (const output of result.outputFiles ?? []) files.set(basename(output.path), output.text);
    if (!files.has(ENTRY_FILE)) throw new Error('esbuild produced no output');
    return files;
  } catch (cause) {
    throw new PlayerBundleError('BUILD_FAILED', `bundling the player failed: ${String(cause)}`, {
      cause,
    });
  }
}
