import { runContract } from './contract.ts';
import { postgresTarget } from './harness.ts';

runContract('postgres', postgresTarget);
