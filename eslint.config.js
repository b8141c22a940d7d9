import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

/**
 * The layers of main (README.md, "Layout"), as import rules: core, aws and ipc know nothing
 * of Electron; only src-main/electron uses it; nothing in main imports the renderer, and the
 * renderer reaches main only through the IPC contract (src-main/ipc).
 */
const NO_ELECTRON = {
  group: ['electron', '**/electron/**'],
  message: 'Only src-main/electron may use Electron.',
};
const NO_RENDERER = { group: ['**/src-renderer/**'], message: 'main never imports the renderer.' };

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'dist-bench/',
      'out/',
      'release/',
      'test-results/',
      'playwright-report/',
      'src-main/core/protocol/generated/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: [NO_ELECTRON, NO_RENDERER] }],
    },
  },
  {
    // The shell: Electron is allowed, but raw IPC only in the typed wrappers (GitHub Desktop's rule).
    files: ['src-main/electron/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [NO_RENDERER],
          paths: [
            {
              name: 'electron',
              importNames: ['ipcMain', 'ipcRenderer'],
              message: 'Use the typed IPC wrappers (ipc-main.ts, preload.ts).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-main/electron/ipc-main.ts', 'src-main/electron/preload.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_RENDERER] }] },
  },
  {
    // The contract is shared by both sides: zod only.
    files: ['src-main/ipc/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NO_ELECTRON,
            NO_RENDERER,
            {
              group: ['node:*', '../core/**', '../app/**'],
              message: 'The contract imports only zod.',
            },
          ],
        },
      ],
    },
  },
  {
    // The renderer is untrusted and talks to main only through the contract.
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NO_ELECTRON,
            {
              group: [
                'node:*',
                '**/src-main/core/**',
                '**/src-main/app/**',
                '**/src-main/web/**',
                '**/src-main/cli/**',
              ],
              message: 'The renderer reaches main only through the IPC contract (src-main/ipc).',
            },
          ],
        },
      ],
    },
  },
  {
    // Renderer tests drive the real app facade in-process (real sessions, sandbox, sockets)
    // through the same dispatcher a transport uses, built as main's tests build it; only
    // these three modules are let in, to the tests and their support code.
    files: ['src-renderer/**/*.test.{ts,tsx}', 'src-renderer/src/test-support/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NO_ELECTRON,
            {
              group: [
                'node:*',
                '**/src-main/core/**',
                '**/src-main/app/**',
                '!**/src-main/app/app',
                '!**/src-main/app/app.js',
                '!**/src-main/app/app.ts',
                '!**/src-main/app/in-process-bridge',
                '!**/src-main/app/in-process-bridge.js',
                '!**/src-main/app/in-process-bridge.ts',
                // Its folder first: a file in an excluded folder cannot be let in alone.
                '!**/src-main/app/test-support',
                '!**/src-main/app/test-support/test-environment',
                '!**/src-main/app/test-support/test-environment.js',
                '!**/src-main/app/test-support/test-environment.ts',
                '**/src-main/web/**',
                '**/src-main/cli/**',
              ],
              message:
                'Renderer tests may use main only through the IPC contract, app.ts, in-process-bridge.ts and test-environment.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      'scripts/**/*.mjs',
      'bin/**/*.js',
      'src-main/**/test-support/**/*.mjs',
      'examples/**/*.mjs',
    ],
    languageOptions: { globals: globals.node },
  },
);
