// Shared by the bin/ launchers: registers tsx's ESM loader, then runs a CLI module's main.
// Each CLI module exports `usage` and `main(argv)`; src/cli/run.ts prints errors and exits.

import { URL } from 'node:url';

export async function launch(program, modulePath) {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write(
      `${program}: needs the 'tsx' package to run its TypeScript sources; ` +
        `run 'npm install' in the moq-studio checkout first\n`,
    );
    process.exit(1);
  }
  register();
  const cli = await import(new URL(modulePath, import.meta.url).href);
  const { runCli } = await import(new URL('../src/cli/run.ts', import.meta.url).href);
  await runCli(program, cli.usage, () => cli.main(process.argv.slice(2)));
}
