import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { renderErrorsDoc } from '../src/lib/errors-doc.ts';

test('docs/errors.md lists exactly the codes in the code (run npm run docs:errors after adding one)', () => {
  const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  assert.equal(doc, renderErrorsDoc());
});
