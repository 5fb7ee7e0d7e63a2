// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

// The dependency direction of ARCHITECTURE.md: domain ← contract ← server, web. Nothing imports server or web,
// and the domain imports nothing with I/O.
const layer = (from, forbidden, message) => ({
  files: [`packages/${from}/**/*.{ts,tsx}`],
  ignores: ['**/*.test.ts'],
  rules: {
    'no-restricted-imports': ['error', { patterns: forbidden.map((group) => ({ group: [group], message })) }],
  },
});

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.keel/**', 'packages/e2e/screenshots/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/only-throw-error': 'off',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  layer(
    'domain',
    ['@keel/contract', '@keel/server', '@keel/web', 'node:*', 'fs', 'pg', 'kysely', 'fastify', 'zod', 'react'],
    'domain is pure: no I/O, no framework, and nothing from the outer layers',
  ),
  layer('contract', ['@keel/server', '@keel/web', 'node:*', 'pg', 'kysely', 'fastify', 'react'], 'contract holds schemas only'),
  layer('server', ['@keel/web', '**/web/src/**'], 'the server never imports the web app'),
  layer('web', ['@keel/server', '**/server/src/**', 'node:*', 'pg', 'kysely', 'fastify'], 'the web app talks to the server over HTTP only'),
  {
    files: ['**/*.test.ts', '**/test/**/*.ts', 'packages/e2e/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
