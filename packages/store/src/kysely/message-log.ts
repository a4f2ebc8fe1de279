/**
 * The message log (registro): append-only and hash-chained. Appends lock the chain-head row
 * (SELECT … FOR UPDATE on PostgreSQL; SQLite's single writer already serializes them), so the
 * chain is linear and ids grow in chain order. The head also anchors both ends of the chain:
 * `anchor_hash` is the previous hash expected of the oldest retained entry and `last_*` the
 * newest, so deleting entries at either end, not only in the middle, is detected.
 *
 * `search` returns newest first (by `at`, then id); `since` is inclusive, `until` exclusive;
 * no limit means every match.
 */
import type { Selectable } from 'kysely';
import type { LogEvent, LogQuery, MessageLog, NewLogEvent } from '../ports.ts';
import { atomic, fromMs, normAddress, parseJson, toMs, type Ctx } from './context.ts';
import { canonicalJson, chainHash, type ChainedFields } from './log-chain.ts';
import type { Db, MessageLogHeadTable, MessageLogTable } from './schema.ts';

const PAGE = 1000;

function toEvent(r: Selectable<MessageLogTable>): LogEvent {
  return {
    id: Number(r.id),
    at: fromMs(r.at),
    event: r.event,
    pecMsgId: r.pec_msg_id,
    messageId: r.message_id,
    sender: r.sender,
    recipients: parseJson<string[]>(r.recipients),
    subject: r.subject,
    details: parseJson<Record<string, unknown>>(r.details),
    hash: r.hash,
  };
}

/** Kysely implementation of {@link MessageLog}. */
export class KyselyMessageLog implements MessageLog {
  constructor(private readonly db: Db, private readonly ctx: Ctx) {}

  async append(events: readonly NewLogEvent[]): Promise<void> {
    if (events.length === 0) return;
    const rows: ChainedFields[] = events.map((e) => ({
      at: toMs(e.at, 'at'),
      event: e.event,
      pec_msg_id: e.pecMsgId ?? null,
      message_id: e.messageId ?? null,
      sender: e.sender ?? null,
      recipients: JSON.stringify([...(e.recipients ?? [])]),
      subject: e.subject ?? null,
      details: canonicalJson(e.details ?? {}),
    }));
    await atomic(this.db, async (db) => {
      const head = await this.#head(db, true);
      let prev = head.last_hash;
      let lastId = Number(head.last_id);
      for (const [i, row] of rows.entries()) {
        const hash = chainHash(prev, row);
        const { id } = await db.insertInto('message_log').values({ ...row, prev_hash: prev, hash })
          .returning('id').executeTakeFirstOrThrow();
        const e = events[i]!;
        const addresses = [...new Set([e.sender, ...(e.recipients ?? [])]
          .filter((a): a is string => typeof a === 'string' && a.trim() !== '').map(normAddress))];
        if (addresses.length > 0) {
          await db.insertInto('message_log_addresses').values(addresses.map((address) => ({ log_id: id, address }))).execute();
        }
        prev = hash;
        lastId = Number(id);
      }
      await db.updateTable('message_log_head').set({ last_id: lastId, last_hash: prev }).where('id', '=', 1).execute();
    });
  }

  async search(q: LogQuery): Promise<LogEvent[]> {
    let s = this.db.selectFrom('message_log').selectAll();
    if (q.pecMsgId !== undefined) s = s.where('pec_msg_id', '=', q.pecMsgId);
    if (q.messageId !== undefined) s = s.where('message_id', '=', q.messageId);
    if (q.address !== undefined) {
      const address = normAddress(q.address);
      s = s.where('id', 'in', (eb) => eb.selectFrom('message_log_addresses').select('log_id').where('address', '=', address));
    }
    if (q.since !== undefined) s = s.where('at', '>=', toMs(q.since, 'since'));
    if (q.until !== undefined) s = s.where('at', '<', toMs(q.until, 'until'));
    s = s.orderBy('at', 'desc').orderBy('id', 'desc');
    if (q.limit !== undefined) s = s.limit(Math.max(0, Math.floor(q.limit)));
    return (await s.execute()).map(toEvent);
  }

  async verifyChain(): Promise<number | undefined> {
    // Bounded by the head read first: entries appended meanwhile are left for the next run.
    const head = await this.#head(this.db, false);
    const lastId = Number(head.last_id);
    let expected = head.anchor_hash;
    let after = 0;
    let seen = false;
    for (;;) {
      const page = await this.db.selectFrom('message_log').selectAll()
        .where('id', '>', after).where('id', '<=', lastId).orderBy('id').limit(PAGE).execute();
      for (const r of page) {
        if (r.prev_hash !== expected && !(await this.#isNewOldest(r))) return Number(r.id);
        if (chainHash(r.prev_hash, r) !== r.hash) return Number(r.id);
        expected = r.hash;
        after = Number(r.id);
        seen = true;
      }
      if (page.length < PAGE) break;
    }
    if (seen) return after === lastId && expected === head.last_hash ? undefined : lastId;
    // No entries left: legitimate only when a purge removed them all (anchor moved to the end).
    const now = await this.#head(this.db, false);
    return now.anchor_hash === now.last_hash ? undefined : lastId;
  }

  /**
   * Deletes the oldest entries, up to the first one at or after `before`: only a prefix of the
   * chain is removed, so an old entry appended after a newer one (clock skew) is kept until
   * everything before it goes, and the remaining chain stays verifiable from its anchor.
   */
  async purge(before: Date): Promise<number> {
    const beforeMs = toMs(before, 'before');
    return atomic(this.db, async (db) => {
      const head = await this.#head(db, true);
      const keep = await db.selectFrom('message_log').select(['id', 'prev_hash'])
        .where('at', '>=', beforeMs).orderBy('id').limit(1).executeTakeFirst();
      let del = db.deleteFrom('message_log');
      let delAddresses = db.deleteFrom('message_log_addresses');
      if (keep !== undefined) {
        del = del.where('id', '<', keep.id);
        delAddresses = delAddresses.where('log_id', '<', keep.id);
      }
      await delAddresses.execute();
      const r = await del.executeTakeFirst();
      await db.updateTable('message_log_head')
        .set({ anchor_hash: keep === undefined ? head.last_hash : keep.prev_hash })
        .where('id', '=', 1).execute();
      return Number(r.numDeletedRows);
    });
  }

  async #head(db: Db, lock: boolean): Promise<Selectable<MessageLogHeadTable>> {
    const q = db.selectFrom('message_log_head').selectAll().where('id', '=', 1);
    return (lock && this.ctx.dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirstOrThrow();
  }

  /** A purge that ran during verification makes `r` the oldest entry with a new anchor. */
  async #isNewOldest(r: Selectable<MessageLogTable>): Promise<boolean> {
    const head = await this.#head(this.db, false);
    if (head.anchor_hash !== r.prev_hash) return false;
    const older = await this.db.selectFrom('message_log').select('id').where('id', '<', r.id).limit(1).executeTakeFirst();
    return older === undefined;
  }
}
