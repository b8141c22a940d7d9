import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'release/', 'src-main/core/protocol/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // The core is pure Node: the Electron shell and the UI stand on it, never the reverse.
      'no-restricted-imports': [
        'error',
        { patterns: ['electron', '**/electron/**', '**/src-renderer/**'] },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'bin/**/*.js'],
    languageOptions: { globals: globals.node },
  },
);
