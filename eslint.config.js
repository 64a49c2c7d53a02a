// ESLint (flat config): the recommended JavaScript and TypeScript rules, and React's rules of
// hooks for the console, exhaustive effect dependencies included. `npm test` runs it.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ignores: ['dist/', 'node_modules/', '.tmp/', '.test-build-*/']},
	{linterOptions: {reportUnusedDisableDirectives: 'error'}},
	js.configs.recommended,
	tseslint.configs.recommended,
	{
		files: ['**/*.{ts,tsx,js}'],
		plugins: {'react-hooks': reactHooks},
		rules: {
			'react-hooks/rules-of-hooks': 'error',
			'react-hooks/exhaustive-deps': 'error',
			// Unused values are errors, but `_name` marks one left out on purpose (rest siblings too).
			// This code escapes and refuses control characters: its regular expressions name them on purpose.
			'no-control-regex': 'off',
			// An empty catch says "ignore it" here (cleanup that may fail, optional parsing).
			'no-empty': ['error', {allowEmptyCatch: true}],
			'@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true}],
		},
	},
);
