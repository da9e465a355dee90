import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.temporal/**',
      '.fuzz/**',
      'data/**',
      'coverage/**',
      'test-artifacts/**',
      '.stryker-tmp/**',
      'reports/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['scripts/**/*.js', 'bin/**/*.js', '*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O.
      // Types from activities are fine (erased at build); their code is not.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'crypto', 'http', 'https'],
              message: 'No Node APIs in workflows',
            },
            {
              group: ['../activities/*', '../activities'],
              allowTypeImports: true,
              message: 'Proxy activities instead',
            },
          ],
        },
      ],
    },
  },
  {
    // The HTTP edge depends on the domain, never the other way round; `main.ts` assembles the
    // process and is the one module outside src/api/ that starts the API.
    files: ['src/**/*.ts'],
    ignores: ['src/api/**', 'src/main.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)api(/|$)',
              message: 'Domain modules must not import src/api/: throw a domain error from src/errors.ts',
            },
          ],
        },
      ],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
