#!/usr/bin/env node
// Entry point: the prebuilt bundle when it matches the sources (see bundle.js), else the
// TypeScript sources through the tsx loader.
import { pathToFileURL } from 'node:url';
import { freshBundle } from './bundle.js';

const bundle = process.env['RECAPITO_FROM_SOURCES'] ? null : freshBundle();
let main;
if (bundle) {
  ({ main } = await import(pathToFileURL(bundle).href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
