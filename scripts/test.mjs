#!/usr/bin/env node
// The one test command (`npm test`): build the CLI bundle, type check, lint with import
// boundaries, then every `*.test.ts` under packages/ and apps/ with node's test runner (tsx as
// loader).
// Usage: node scripts/test.mjs [--only-tests] [path-filter...]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const args = process.argv.slice(2);
const onlyTests = args.includes('--only-tests');
const filters = args.filter((a) => !a.startsWith('--'));
const root = new URL('..', import.meta.url).pathname;

function run(label, cmd, cmdArgs) {
  const started = Date.now();
  process.stdout.write(`\n== ${label}\n`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    process.stdout.write(`== ${label}: FAILED after ${secs}s\n`);
    process.exit(r.status ?? 1);
  }
  process.stdout.write(`== ${label}: ok in ${secs}s\n`);
}

function findTests(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

// The CLI the tests spawn runs from the bundle, as users' does (apps/recapito/bin/bundle.js).
run('build', process.execPath, [join(root, 'scripts/build.mjs')]);
if (!onlyTests) {
  run('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  run('lint', 'npx', ['eslint', '.']);
}
const files = ['packages', 'apps']
  .flatMap((d) => findTests(join(root, d)))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
run(`tests (${files.length} files)`, process.execPath, [
  '--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=600000', ...files,
]);
