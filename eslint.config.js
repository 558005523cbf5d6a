// Code lint. Import boundaries between src/ folders are enforced by dependency-cruiser
// (.dependency-cruiser.cjs); here: TypeScript rules and the bans of style.md §4.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'runs/', 'coverage/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', module: 'writable', require: 'readonly', console: 'readonly', URL: 'readonly', performance: 'readonly', setTimeout: 'readonly' } },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use runtime/rng.ts: randomness must be seeded.' },
        { object: 'Date', property: 'now', message: 'Inject now(): time is a side effect (style.md §4).' },
        { object: 'process', property: 'exit', message: 'Set process.exitCode in cli/main.ts instead.' },
      ],
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/runtime/**/*.ts', 'src/bench/**/*.ts', 'src/golden/**/*.ts', '**/*.test.ts'],
    rules: { 'no-restricted-properties': 'off', 'no-console': 'off' },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/runtime/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@tensorflow/*'], message: "Import tf from 'runtime/tf.js' (the single tfjs import site)." }] },
      ],
    },
  },
);
