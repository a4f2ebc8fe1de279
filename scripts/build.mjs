#!/usr/bin/env node
// Builds the CLI bundle (apps/recapito/dist/bundle, see apps/recapito/bin/bundle.js): the
// sources of the app and of the @recapito packages in one set of ES modules (lazy commands stay
// separate chunks); every other package stays an import from node_modules. Built beside and
// swapped in whole, with the stamp of the sources it was built from.
import { build } from 'esbuild';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_DIR, sourceStamp } from '../apps/recapito/bin/bundle.js';

const root = new URL('..', import.meta.url).pathname;
const started = Date.now();
const stamp = sourceStamp();
const tmp = `${BUNDLE_DIR}.${process.pid}.tmp`;
rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });

/** Bare imports other than our own packages are left to node_modules. */
const thirdParty = {
  name: 'third-party-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@recapito/') ? undefined : { path: args.path, external: true }));
  },
};

await build({
  entryPoints: { main: join(root, 'apps/recapito/src/main.ts') },
  outdir: tmp,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  plugins: [thirdParty],
  logLevel: 'warning',
});
writeFileSync(join(tmp, 'stamp.json'), JSON.stringify(stamp));
rmSync(BUNDLE_DIR, { recursive: true, force: true });
renameSync(tmp, BUNDLE_DIR);
process.stdout.write(`built ${BUNDLE_DIR.slice(root.length)} from ${stamp.files} source files in ${Date.now() - started} ms\n`);
