import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import astro from 'eslint-plugin-astro';

/**
 * Which room may import which (README.md, "Rooms"): edge/core (`#core/*`) imports nothing of the project and only
 * web-standard APIs; edge, train and site import core and themselves; scripts import everything. Tests and the
 * `testing/` rooms may also use any room's test helpers. Written as `no-restricted-imports` patterns on the import text,
 * one set per folder depth: every cross-room import is `#core/…` or a relative path that climbs to the repository
 * root, so the text says where it goes and no module resolver (with its own idea of `#core`) is needed.
 */
const MAX_DEPTH = 7;
const TESTS = ['**/*.test.ts', '**/testing/**', 'edge/fuzz/**', 'edge/contract.ts'];
const CODE = '*.{ts,js,mjs,astro}';
const up = (n) => `(\\.\\./){${n}}`;
const depthGlob = (prefix, depth) => `${prefix}/${'*/'.repeat(depth)}${CODE}`;
const restrict = (files, ignores, patterns) => ({ files, ignores, rules: { 'no-restricted-imports': ['error', { patterns }] } });
const bothMatch = (glob) => TESTS.map((test) => [glob, test]);

function roomRules(room) {
  const others = ['edge', 'train', 'site', 'scripts'].filter((other) => other !== room).join('|');
  const message = `${room}/ imports only #core/… and ${room}/ itself; tests may also use testing/ rooms.`;
  const intoCore = { regex: '^\\.\\.?/(.*/)?core/', message: 'Import the web-standard kernel as #core/…, not by a relative path.' };
  return Array.from({ length: MAX_DEPTH }, (_, k) => {
    const glob = depthGlob(room, k);
    const leaving = (exception) => ({ regex: `^${up(k + 1)}(${others})/${exception}`, message });
    return [
      restrict([glob], [...TESTS, 'edge/core/**'], [intoCore, leaving('')]),
      restrict(bothMatch(glob), ['edge/core/**'], [intoCore, leaving('(?!testing/)')]),
    ];
  }).flat();
}

function coreRules() {
  const message = 'edge/core is the web-standard kernel: it imports only itself and web-standard packages.';
  const platform = [
    { regex: '^node:', message: `${message} (no node: modules)` },
    { regex: '^onnxruntime-(node|web)$', message: `${message} The onnxruntime flavour is passed in.` },
  ];
  // Depth 0 is edge/core/x.ts, where one "../" already leaves the kernel.
  return Array.from({ length: MAX_DEPTH - 1 }, (_, k) => {
    const glob = depthGlob('edge/core', k);
    return [
      restrict([glob], TESTS, [...platform, { regex: `^${up(k + 1)}`, message }]),
      restrict(bothMatch(glob), [], [{ regex: `^${up(k + 1)}(?!testing/|\\.\\./(train|site)/testing/)`, message: `${message} Its tests may use testing/ rooms.` }]),
    ];
  }).flat();
}

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'site/dist', 'site/.astro', '.wrangler', 'models', 'coverage', '.cache', 'test-artifacts', 'site/test-artifacts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // .astro files: frontmatter, template expressions and their <script> islands (parsed as TypeScript).
  ...astro.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...['edge', 'train', 'site'].flatMap(roomRules),
  ...coreRules(),
);
