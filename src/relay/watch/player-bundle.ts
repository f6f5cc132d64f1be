import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
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
/** Where `npm run build` (scripts/build-player.ts) writes the bundle. */
export const BUILT_BUNDLE = fileURLToPath(new URL('out/player/watch.js', ROOT));
/** What the bundle is made from (the player imports the MoQ library and the media code). */
const SOURCES = fileURLToPath(new URL('src/', ROOT));
/** The bundle's entry: the watch app. */
export const PLAYER_ENTRY = fileURLToPath(new URL('src/watch-browser/watch-page.ts', ROOT));

/** The one set of bundling options: `npm run build` (scripts/build-player.ts) and the fallback. */
const BUNDLE_OPTIONS = {
  entryPoints: [PLAYER_ENTRY],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'chrome120',
  minify: true,
} as const;

interface EsbuildLike {
  build(options: Record<string, unknown>): Promise<{ outputFiles?: Array<{ text: string }> }>;
}

/** Writes the bundle to out/player/watch.js (with a linked source map): `npm run build`. */
export async function buildPlayerBundle(): Promise<string> {
  const esbuild = await loadEsbuild();
  await esbuild.build({
    ...BUNDLE_OPTIONS,
    outfile: BUILT_BUNDLE,
    sourcemap: 'linked',
    logLevel: 'info',
  });
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
  #cached: Promise<string> | undefined;

  get(): Promise<string> {
    this.#cached ??= this.#load();
    // A failure is not cached: building may succeed on a later request.
    this.#cached.catch(() => (this.#cached = undefined));
    return this.#cached;
  }

  async #load(): Promise<string> {
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
    return readFile(BUILT_BUNDLE, 'utf8');
  }
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
async function bundleOnDemand(): Promise<string> {
  const esbuild = await loadEsbuild();
  try {
    const result = await esbuild.build({ ...BUNDLE_OPTIONS, write: false, logLevel: 'silent' });
    const text = result.outputFiles?.[0]?.text;
    if (text === undefined) throw new Error('esbuild produced no output');
    return text;
  } catch (cause) {
    throw new PlayerBundleError('BUILD_FAILED', `bundling the player failed: ${String(cause)}`, {
      cause,
    });
  }
}
