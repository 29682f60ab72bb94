// @ts-check
/**
 * Lint: promise mistakes the compiler lets through (a promise nobody awaits, an
 * async function where a callback's result is ignored) and the boundaries
 * between the parts of the shop. Run by `npm test` (`npm run lint`).
 */
import { readdirSync } from 'node:fs';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const services = readdirSync(new URL('./services', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/** What ships: everything the image runs. Tests and development tooling are not. */
const production = ['activities', 'codec-server', 'gateway', 'platform', 'services', 'worker', 'workflows', 'temporal.config.ts', 'scripts/seed.ts', 'scripts/accounts.ts', 'scripts/demo-data.ts'];
const tests = ['**/*.test.ts'];

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', '.tools/', '.data/', '.scratch/', 'coverage/', 'web/dist/', 'web/.dist-*', '**/*.gen.ts', '**/*.js', '**/*.cjs'],
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mjs'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['tsconfig.json', 'web/tsconfig.json'], noWarnOnMultipleProjects: true })] },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'import-x/no-cycle': 'off',
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    ignores: tests,
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            // A service talks to another only over HTTP: its generated types and its client, never its entities or logic.
            ...services.map((service) => ({
              target: `./services/${service}`,
              from: './services',
              except: [`./${service}`, ...services.filter((other) => other !== service).flatMap((other) => [`./${other}/client.ts`, `./${other}/api.gen.ts`])],
              message: 'A service uses another service only through its client and its generated types.',
            })),
            {
              target: ['./gateway', './activities', './worker', './codec-server'],
              from: './services',
              except: services.flatMap((service) => [`./${service}/client.ts`, `./${service}/api.gen.ts`]),
              message: 'Outside a service, use its client and its generated types, not its internals.',
            },
            {
              target: production.map((part) => `./${part}`),
              from: ['./dev', './test', './bench'],
              message: 'Shipped code never imports development tooling or tests.',
            },
            {
              // The provider's API is the simulator's spec; its client is what payments ships with.
              target: production.map((part) => `./${part}`),
              from: './simulators',
              except: ['./payment-provider/client.ts', './payment-provider/api.gen.ts'],
              message: 'Shipped code never imports the simulators, only the provider client.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    // Workflow code is replayed: it may use only the workflow API and pure modules (types are erased, so any type may be imported).
    files: ['workflows/**/*.ts'],
    ignores: tests,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!@temporalio/workflow$|\\./[^/]+$|\\.\\./temporal\\.config$)',
              allowTypeImports: true,
              message: 'Workflow code imports only @temporalio/workflow, other workflow modules and temporal.config (pure).',
            },
          ],
        },
      ],
    },
  },
);
