/** Messages to send by SMTP; `add` is idempotent on the producing step's key. */
import type { Selectable } from 'kysely';
import type { NewOutboxMessage, Outbox, OutboxMessage } from '../ports.ts';
import { StoreError } from '../errors.ts';
import { fromMs, fromMsOrNull, parseJson, toMs, write, type Ctx } from './context.ts';
import type { Db, OutboxTable } from './schema.ts';

function toOutbox(r: Selectable<OutboxTable>): OutboxMessage {
  return {
    id: Number(r.id),
    key: r.key,
    blobId: r.blob_id,
    mailFrom: r.mail_from,
    rcptTo: parseJson<string[]>(r.rcpt_to),
    domain: r.domain,
    createdAt: fromMs(r.created_at),
    sentAt: fromMsOrNull(r.sent_at),
    attempts: Number(r.attempts),
    lastError: r.last_error,
  };
}

/** Kysely implementation of {@link Outbox}. */
export class KyselyOutbox implements Outbox {
  constructor(private readonly db: Db, private readonly ctx: Ctx) {}

  async add(m: NewOutboxMessage): Promise<OutboxMessage> {
    return write(this.db, this.ctx, async (db) => {
      const row = await db.insertInto('outbox')
        .values({
          key: m.key,
          blob_id: m.blobId,
          mail_from: m.mailFrom,
          rcpt_to: JSON.stringify([...m.rcptTo]),
          domain: m.domain.toLowerCase(),
          created_at: toMs(this.ctx.now()),
          attempts: 0,
        })
        .onConflict((oc) => oc.column('key').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (row !== undefined) return toOutbox(row);
      // The key exists: the step that produced it ran before (a replay after a crash).
      return toOutbox(await db.selectFrom('outbox').selectAll().where('key', '=', m.key).executeTakeFirstOrThrow());
    });
  }

  async get(id: number): Promise<OutboxMessage | undefined> {
    const row = await this.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toOutbox(row);
  }

  async markSent(id: number, at: Date): Promise<void> {
    const atMs = toMs(at);
    await this.#update(id, (db) => db.updateTable('outbox').set({ sent_at: atMs }).where('id', '=', id).returning('id').executeTakeFirst());
  }

  async markAttempt(id: number, error: string): Promise<void> {
    await this.#update(id, (db) => db.updateTable('outbox')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error }))
      .where('id', '=', id).returning('id').executeTakeFirst());
  }

  /** Unsent entries, oldest first. */
  async pending(): Promise<OutboxMessage[]> {
    const rows = await this.db.selectFrom('outbox').selectAll().where('sent_at', 'is', null).orderBy('id').execute();
    return rows.map(toOutbox);
  }

  async #update(id: number, fn: (db: Db) => Promise<{ id: number } | undefined>): Promise<void> {
    const r = await write(this.db, this.ctx, fn);
    if (r === undefined) throw new StoreError('OUTBOX_NOT_FOUND', `no outbox entry with id ${id}`);
  }
}
