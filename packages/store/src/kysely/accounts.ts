/** Domains and mailboxes. Addresses and domains are stored lower-case. */
import type { Selectable, Updateable } from 'kysely';
import type { Accounts, Mailbox, MailboxPatch, MailboxType, NewMailbox, TrafficLimits } from '../ports.ts';
import { StoreError } from '../errors.ts';
import { atomic, domainOf, fromBool, fromMs, fromMsOrNull, normAddress, parseJson, toBool, toMs, write, type Ctx } from './context.ts';
import { insertFolder } from './folder-rows.ts';
import type { Db, MailboxesTable } from './schema.ts';

/** Maps a mailbox row to the port's shape. */
export function toMailbox(r: Selectable<MailboxesTable>): Mailbox {
  return {
    id: Number(r.id),
    address: r.address,
    domain: r.domain,
    type: r.type as MailboxType,
    passwordHash: r.password_hash,
    quotaBytes: Number(r.quota_bytes),
    usedBytes: Number(r.used_bytes),
    limits: parseJson<TrafficLimits>(r.limits),
    sendingEnabled: fromBool(r.sending_enabled),
    readOnly: fromBool(r.read_only),
    acceptsOrdinaryMail: fromBool(r.accepts_ordinary_mail),
    ceasedAt: fromMsOrNull(r.ceased_at),
    createdAt: fromMs(r.created_at),
  };
}

/** Kysely implementation of {@link Accounts}. */
export class KyselyAccounts implements Accounts {
  constructor(private readonly db: Db, private readonly ctx: Ctx) {}

  /** Idempotent: adding a known domain is not an error. */
  async addDomain(domain: string): Promise<void> {
    const name = normAddress(domain);
    if (name === '' || name.includes('@')) throw new StoreError('INVALID_INPUT', `not a domain: ${domain}`);
    await write(this.db, this.ctx, (db) => db.insertInto('domains')
      .values({ name, created_at: toMs(this.ctx.now()) })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute());
  }

  async listDomains(): Promise<string[]> {
    const rows = await this.db.selectFrom('domains').select('name').orderBy('name').execute();
    return rows.map((r) => r.name);
  }

  async isLocalDomain(domain: string): Promise<boolean> {
    const row = await this.db.selectFrom('domains').select('name').where('name', '=', normAddress(domain)).executeTakeFirst();
    return row !== undefined;
  }

  async addMailbox(m: NewMailbox): Promise<Mailbox> {
    const address = normAddress(m.address);
    const domain = domainOf(address);
    const now = this.ctx.now();
    return atomic(this.db, async (db) => {
      // ON CONFLICT rather than catching a unique violation: inside a PostgreSQL transaction a
      // failed statement would abort the caller's whole transaction.
      const row = await db.insertInto('mailboxes')
        .values({
          address,
          domain,
          type: m.type,
          password_hash: m.passwordHash,
          quota_bytes: m.quotaBytes,
          used_bytes: 0,
          limits: JSON.stringify(m.limits),
          sending_enabled: 1,
          read_only: 0,
          accepts_ordinary_mail: toBool(m.acceptsOrdinaryMail ?? false),
          ceased_at: null,
          created_at: toMs(now),
        })
        .onConflict((oc) => oc.column('address').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) throw new StoreError('MAILBOX_EXISTS', `mailbox ${address} already exists`);
      await insertFolder(db, Number(row.id), 'INBOX', null, now);
      return toMailbox(row);
    });
  }

  async getMailbox(address: string): Promise<Mailbox | undefined> {
    const row = await this.db.selectFrom('mailboxes').selectAll().where('address', '=', normAddress(address)).executeTakeFirst();
    return row === undefined ? undefined : toMailbox(row);
  }

  async getMailboxById(id: number): Promise<Mailbox | undefined> {
    const row = await this.db.selectFrom('mailboxes').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toMailbox(row);
  }

  async listMailboxes(domain?: string): Promise<Mailbox[]> {
    let q = this.db.selectFrom('mailboxes').selectAll().orderBy('address');
    if (domain !== undefined) q = q.where('domain', '=', normAddress(domain));
    return (await q.execute()).map(toMailbox);
  }

  async updateMailbox(address: string, patch: MailboxPatch): Promise<Mailbox> {
    const set: Updateable<MailboxesTable> = {};
    if (patch.passwordHash !== undefined) set.password_hash = patch.passwordHash;
    if (patch.type !== undefined) set.type = patch.type;
    if (patch.quotaBytes !== undefined) set.quota_bytes = patch.quotaBytes;
    if (patch.limits !== undefined) set.limits = JSON.stringify(patch.limits);
    if (patch.sendingEnabled !== undefined) set.sending_enabled = toBool(patch.sendingEnabled);
    if (patch.readOnly !== undefined) set.read_only = toBool(patch.readOnly);
    if (patch.acceptsOrdinaryMail !== undefined) set.accepts_ordinary_mail = toBool(patch.acceptsOrdinaryMail);
    if (patch.ceasedAt !== undefined) set.ceased_at = patch.ceasedAt === null ? null : toMs(patch.ceasedAt, 'ceasedAt');
    const addr = normAddress(address);
    const row = await write(this.db, this.ctx, (db) => Object.keys(set).length === 0
      ? db.selectFrom('mailboxes').selectAll().where('address', '=', addr).executeTakeFirst()
      : db.updateTable('mailboxes').set(set).where('address', '=', addr).returningAll().executeTakeFirst());
    if (row === undefined) throw new StoreError('MAILBOX_NOT_FOUND', `no mailbox ${addr}`);
    return toMailbox(row);
  }
}
