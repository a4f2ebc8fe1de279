// Lint rules, including the dependency direction of the architecture: the PEC core is pure
// and may import no module that performs I/O (sockets, files, processes, databases).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const ioModules = [
  'fs', 'fs/promises', 'net', 'tls', 'http', 'https', 'http2', 'dgram', 'dns', 'child_process',
  'cluster', 'worker_threads', 'readline', 'os', 'process',
].flatMap((m) => [m, `node:${m}`]);

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'max-lines': ['error', { max: 500, skipBlankLines: true, skipComments: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ioModules.map((name) => ({ name, message: 'packages/core is pure: no I/O modules (see docs/architecture.md).' })),
        patterns: [{ group: ['recapito', '@recapito/*', 'pg', 'better-sqlite3', 'kysely'], message: 'core depends on nothing of ours and on no store.' }],
      }],
      'no-restricted-globals': ['error', { name: 'process', message: 'core reads no environment.' }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'inject a Clock.' }],
    },
  },
);
