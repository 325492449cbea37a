import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { plugin as hangar } from './tools/eslint-rules/import-boundaries.js';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'site/dist/', 'test-output/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { hangar },
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' },
    },
    rules: {
      'hangar/import-boundaries': 'error',
      'hangar/no-process-exit': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports (house style 5).' },
      ],
    },
  },
  {
    // The dashboard runs in browsers: the SDK's Node-only corners and Node built-ins stay out.
    files: ['site/src/**/*.{ts,tsx}'],
    ignores: ['site/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'The dashboard runs in browsers.' },
            { group: ['**/sdk/tunnel/**', '**/sdk/template-archive*'], message: 'Node-only SDK module.' },
            {
              group: ['**/sdk/index*'],
              message: 'Import the SDK module you need, not the barrel (bundle size).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['eslint.config.js', '**/*.config.{js,ts,mjs}'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
