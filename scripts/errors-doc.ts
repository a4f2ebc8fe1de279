// Rewrites docs/errors.md from the code lists: node --import tsx scripts/errors-doc.ts
import { writeFileSync } from 'node:fs';
import { renderErrorsDoc } from '../apps/recapito/src/lib/errors-doc.ts';

writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorsDoc());
