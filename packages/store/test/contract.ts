/**
 * The contract suite: every semantic of the storage ports, run against each dialect by
 * sqlite.test.ts and postgres.test.ts. Each test gets its own database (see harness.ts).
 */
import { describe } from 'node:test';
import type { MakeTarget } from './harness.ts';
import { accountsContract } from './contract/accounts.ts';
import { mailboxesContract } from './contract/mailboxes.ts';
import { imapContract } from './contract/imap.ts';
import { queueContract } from './contract/queue.ts';
import { recordsContract } from './contract/records.ts';
import { logContract } from './contract/log.ts';
import { blobsContract } from './contract/blobs.ts';
import { storeContract } from './contract/store.ts';
import { migrationMapsContract } from './contract/migration-maps.ts';

/** Registers the whole suite under `name`. */
export function runContract(name: string, make: MakeTarget): void {
  describe(`store contract: ${name}`, () => {
    describe('accounts', () => accountsContract(make));
    describe('mailboxes', () => mailboxesContract(make));
    describe('mailboxes: IMAP semantics', () => imapContract(make));
    describe('queue', () => queueContract(make));
    describe('outbox, received, transactions, index', () => recordsContract(make));
    describe('message log', () => logContract(make));
    describe('blobs', () => blobsContract(make));
    describe('store', () => storeContract(make));
    describe('migration maps', () => migrationMapsContract(make));
  });
}
