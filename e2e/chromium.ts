import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (CI installs it); Playwright's own browser builds cannot be downloaded here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Whether the Chromium tests can run. In CI Chromium is installed by .ci/run, so its absence is a
 * failure there, never a silent skip.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI) throw new Error(`CI needs Chromium at ${CHROMIUM_PATH} (see .ci/run)`);
  return false;
}

/**
 * `extraArgs` add to the defaults (e.g. `--autoplay-policy=no-user-gesture-required`);
 * `executablePath` replaces Chromium with a wrapper that starts it (in a namespace, a cgroup).
 */
export async function launchChromium(
  extraArgs: string[] = [],
  executablePath = CHROMIUM_PATH,
): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [...ARGS, ...extraArgs],
  });
}

/** Serves a blank page on http://127.0.0.1 (a secure context, so WebTransport is allowed). */
export async function servePage(html = '<!doctype html><title>test</title>'): Promise<{
  url: string;
  close: () => Promise<void>;
}> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Opens a page and loads plain-JavaScript helpers into it (`e2e/pages/NAME.js`). */
export async function openPage(browser: Browser, url: string, script?: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  if (script) {
    const path = fileURLToPath(new URL(`./pages/${script}.js`, import.meta.url));
    await page.addScriptTag({ content: readFileSync(path, 'utf8') });
  }
  return page;
}

/** Bundles browser code for a test page as a user's bundler would: a file, or a few lines. */
export async function bundleForPage(
  source: { file: string } | { contents: string },
): Promise<string> {
  const { build } = await import('esbuild');
  const input =
    'file' in source
      ? { entryPoints: [source.file] }
      : { stdin: { contents: source.contents, resolveDir: process.cwd(), loader: 'js' as const } };
  const result = await build({
    ...input,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}
