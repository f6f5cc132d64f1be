import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'out', 'dist', 'lib', '**/*.d.ts'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  ...layering(),
);

/**
 * Imports point inward and downward (docs/architecture.md). Each folder gets one
 * no-restricted-imports rule listing what it may not import: layers above it, Node built-ins
 * where the code also runs in browsers, Electron outside the shell. Tests and test kits may reach
 * further (a chat test starts a relay).
 */
function layering() {
  const electron = {
    name: 'electron',
    message: 'Electron only in src/main and src/preload.',
  };
  const rawIpc = {
    name: 'electron',
    importNames: ['ipcMain', 'ipcRenderer'],
    message: 'Serve or call StudioApi through src/main/ipc.ts and src/preload/index.ts.',
  };
  const folders = (names) => names.map((name) => `**/${name}/**`);
  const rules = [
    // [files, forbidden folders, browser-safe (no node:*)]
    [['src/coding/**', 'src/async/**'], ['../*'], true],
    [
      ['src/moq/**'],
      folders(['transport', 'client', 'chat', 'media', 'relay', 'studio', 'cli']),
      true,
    ],
    [['src/client/**'], folders(['transport', 'chat', 'media', 'relay', 'studio', 'cli']), true],
    [['src/chat/**'], folders(['transport', 'media', 'relay', 'studio', 'cli']), true],
    [
      ['src/transport/**'],
      folders(['moq', 'client', 'chat', 'media', 'relay', 'studio', 'cli']),
      false,
    ],
    [
      [
        'src/media/catalog/**',
        'src/media/cmaf/**',
        'src/media/legacy/**',
        'src/media/packager/**',
        'src/media/player-browser/**',
      ],
      folders(['transport', 'relay', 'studio', 'cli', 'encoder-node', 'watch-browser']),
      true,
    ],
    [
      ['src/watch-browser/**'],
      folders(['transport', 'relay', 'studio', 'cli', 'encoder-node']),
      true,
    ],
    [['src/media/encoder-node/**'], folders(['relay', 'studio', 'cli', 'player-browser']), false],
    [['src/relay/**'], folders(['studio', 'cli']), false],
    [['src/studio/**'], folders(['cli']), false],
  ];
  const configs = rules.map(([files, forbidden, browserSafe]) => ({
    files,
    ignores: ['**/*.test.ts', '**/*test-kit.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electron],
          patterns: [
            {
              group: forbidden,
              message: 'Imports point inward and downward (docs/architecture.md).',
            },
            ...(browserSafe
              ? [
                  {
                    group: ['node:*'],
                    message: 'This folder runs in browsers too: no Node built-ins.',
                  },
                ]
              : []),
          ],
        },
      ],
    },
  }));
  return [
    {
      files: ['src/**/*.{ts,tsx}'],
      ignores: ['src/main/ipc.ts', 'src/preload/index.ts'],
      rules: { 'no-restricted-imports': ['error', { paths: [rawIpc] }] },
    },
    {
      files: ['src/renderer/**', 'src/cli/**'],
      rules: { 'no-restricted-imports': ['error', { paths: [electron] }] },
    },
    ...configs,
  ];
}
