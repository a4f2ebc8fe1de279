/** Assembles the ports over one Kysely instance (the pool, or an open transaction). */
import type { Kysely } from 'kysely';
import type { BlobRef, BlobStore, Store } from '../ports.ts';
import { StoreError } from '../errors.ts';
import type { FsBlobStore } from '../blobs/fs-blob-store.ts';
import { KyselyAccounts } from './accounts.ts';
import type { Ctx } from './context.ts';
import { KyselyIndexStore } from './index-store.ts';
import { KyselyMailboxes } from './mailboxes.ts';
import { KyselyMessageLog } from './message-log.ts';
import { KyselyMigrationMaps } from './migration-maps.ts';
import { KyselyOutbox } from './outbox.ts';
import { KyselyQueue } from './queue.ts';
import { KyselyReceived } from './received.ts';
import type { Database, Db } from './schema.ts';
import { KyselyTransactions } from './transactions.ts';

type Ports = Omit<Store, 'transaction' | 'close'>;

/**
 * The blob store as the rest of the store exposes it: deleting a blob that a message or an
 * outbox entry still points at is refused, so a faulty garbage collector cannot lose mail.
 */
class GuardedBlobs implements BlobStore {
  constructor(private readonly fs: FsBlobStore, private readonly db: Db) {}
  put(chunks: readonly Uint8Array[]): Promise<BlobRef> {
    return this.fs.put(chunks);
  }
  get(id: string): Promise<Uint8Array> {
    return this.fs.get(id);
  }
  head(id: string, maxBytes: number): Promise<Uint8Array> {
    return this.fs.head(id, maxBytes);
  }
  has(id: string): Promise<boolean> {
    return this.fs.has(id);
  }
  async delete(id: string): Promise<void> {
    const used = await this.db.selectFrom('messages').select('id').where('blob_id', '=', id).limit(1).executeTakeFirst()
      ?? await this.db.selectFrom('outbox').select('id').where('blob_id', '=', id).limit(1).executeTakeFirst();
    if (used !== undefined) throw new StoreError('BLOB_IN_USE', `blob ${id} is still referenced`);
    await this.fs.delete(id);
  }
}

function ports(db: Db, ctx: Ctx, blobs: FsBlobStore): Ports {
  return {
    dialect: ctx.dialect,
    blobs: new GuardedBlobs(blobs, db),
    accounts: new KyselyAccounts(db, ctx),
    mailboxes: new KyselyMailboxes(db, ctx),
    queue: new KyselyQueue(db, ctx),
    outbox: new KyselyOutbox(db, ctx),
    received: new KyselyReceived(db, ctx),
    transactions: new KyselyTransactions(db, ctx),
    log: new KyselyMessageLog(db, ctx),
    index: new KyselyIndexStore(db, ctx),
    migrations: new KyselyMigrationMaps(db, ctx),
  };
}

/**
 * {@link Store} over Kysely. On SQLite one connection serves the whole store: while a
 * `transaction` callback runs, other operations of the same store wait for it, so the callback
 * must use the `tx` it is given, never the outer store (it would wait for itself).
 */
export class KyselyStore implements Store {
  readonly dialect: Store['dialect'];
  readonly blobs: BlobStore;
  readonly accounts: Store['accounts'];
  readonly mailboxes: Store['mailboxes'];
  readonly queue: Store['queue'];
  readonly outbox: Store['outbox'];
  readonly received: Store['received'];
  readonly transactions: Store['transactions'];
  readonly log: Store['log'];
  readonly index: Store['index'];
  readonly migrations: Store['migrations'];
  readonly #db: Kysely<Database>;
  readonly #ctx: Ctx;
  readonly #fs: FsBlobStore;
  #closed = false;

  constructor(db: Kysely<Database>, ctx: Ctx, fs: FsBlobStore) {
    this.#db = db;
    this.#ctx = ctx;
    this.#fs = fs;
    const p = ports(db, ctx, fs);
    this.dialect = p.dialect;
    this.blobs = p.blobs;
    this.accounts = p.accounts;
    this.mailboxes = p.mailboxes;
    this.queue = p.queue;
    this.outbox = p.outbox;
    this.received = p.received;
    this.transactions = p.transactions;
    this.log = p.log;
    this.index = p.index;
    this.migrations = p.migrations;
  }

  transaction<T>(fn: (tx: Ports) => Promise<T>): Promise<T> {
    return this.#db.transaction().execute((trx) => fn(ports(trx, this.#ctx, this.#fs)));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#fs.close();
    await this.#db.destroy();
  }
}
