import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { BundleError } from './errors.js';

/**
 * Bundles a page entry (bench/latency/page/NAME.ts) into one classic script. Bundling, rather
 * than handing Playwright a function, keeps tsx's injected helpers out of the page.
 */
export async function bundlePage(name: string): Promise<string> {
  const entry = fileURLToPath(new URL(`./page/${name}.ts`, import.meta.url));
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const text = result.outputFiles[0]?.text;
  if (!text) throw new BundleError(`esbuild produced nothing for ${name}`);
  return text;
}
