import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

const out = (dir: string): string => resolve(import.meta.dirname, 'out', dir);

export default defineConfig({
  main: {
    build: {
      outDir: out('main'),
      externalizeDeps: true,
      // The window process and the studio engine's utilityProcess.
      rolldownOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src/main/index.ts'),
          engine: resolve(import.meta.dirname, 'src/main/engine-process.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: out('preload'),
      externalizeDeps: true,
      // Sandboxed preloads cannot be ES modules: emit CommonJS, named .cjs as package.json is ESM.
      rolldownOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src/renderer'),
    plugins: [react()],
    build: {
      outDir: out('renderer'),
      minify: true, // also served over HTTP by the headless studio
      rolldownOptions: { input: resolve(import.meta.dirname, 'src/renderer/index.html') },
    },
  },
});
