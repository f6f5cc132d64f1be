// Shared by the bin/ launchers. An installed package runs the compiled lib/ (npm run build emits
// it); a checkout with its TypeScript sources and tsx runs src/ directly, so an edit needs no
// rebuild. Each CLI module exports `usage` and `main(argv)`; cli/run prints errors and exits.

import { existsSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';

const here = (path) => new URL(path, import.meta.url);

async function sourceRunner() {
  if (!existsSync(fileURLToPath(here('../src/cli/run.ts')))) return undefined;
  try {
    const { register } = await import('tsx/esm/api');
    register();
    return { dir: '../src/cli/', ext: '.ts' };
  } catch {
    return undefined;
  }
}

async function runner(program) {
  const fromSource = await sourceRunner();
  if (fromSource) return fromSource;
  if (existsSync(fileURLToPath(here('../lib/cli/run.js'))))
    return { dir: '../lib/cli/', ext: '.js' };
  process.stderr.write(
    `${program}: not built yet — run 'npm install && npm run build' in the moq-studio folder\n`,
  );
  process.exit(1);
}

export async function launch(program) {
  const { dir, ext } = await runner(program);
  const cli = await import(here(`${dir}${program}${ext}`).href);
  const { runCli } = await import(here(`${dir}run${ext}`).href);
  await runCli(program, cli.usage, () => cli.main(process.argv.slice(2)));
}
