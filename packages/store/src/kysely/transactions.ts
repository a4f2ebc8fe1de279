/**
 * PEC transactions and their per-recipient states. A state moves only forward
 * (pending → taken → delivered | failed | expired); receipts can arrive out of order or twice,
 * so a move that is not forward is ignored rather than refused, and the first final state wins.
 */
import type { PecTransaction, RecipientState, Transactions } from '../ports.ts';
import { StoreError } from '../errors.ts';
import { atomic, fromBool, fromMs, normAddress, parseJson, toMs, write, type Ctx } from './context.ts';
import type { Db } from './schema.ts';

/** States a recipient may be in for a move to the key state to be allowed. */
const ALLOWED_FROM: Readonly<Record<RecipientState, readonly RecipientState[]>> = {
  pending: [],
  taken: ['pending'],
  delivered: ['pending', 'taken'],
  failed: ['pending', 'taken'],
  expired: ['pending', 'taken'],
};

/** Kysely implementation of {@link Transactions}. Sender and recipient addresses are stored lower-case. */
export class KyselyTransactions implements Transactions {
  constructor(private readonly db: Db, private readonly ctx: Ctx) {}

  async create(t: Omit<PecTransaction, 'recipients'> & { recipients: readonly string[] }): Promise<void> {
    const acceptedAt = toMs(t.acceptedAt, 'acceptedAt');
    const recipients = [...new Set(t.recipients.map(normAddress))];
    await atomic(this.db, async (db) => {
      const row = await db.insertInto('pec_transactions')
        .values({
          pec_msg_id: t.pecMsgId,
          sender: normAddress(t.sender),
          subject: t.subject,
          client_msg_id: t.clientMsgId,
          accepted_at: acceptedAt,
          certification: JSON.stringify(t.certification ?? null),
        })
        .onConflict((oc) => oc.column('pec_msg_id').doNothing())
        .returning('pec_msg_id')
        .executeTakeFirst();
      if (row === undefined) throw new StoreError('TRANSACTION_EXISTS', `transaction ${t.pecMsgId} already exists`);
      if (recipients.length === 0) return;
      await db.insertInto('pec_recipients')
        .values(recipients.map((address, position) => ({ pec_msg_id: t.pecMsgId, address, position, state: 'pending', warned: 0 })))
        .execute();
    });
  }

  async get(pecMsgId: string): Promise<PecTransaction | undefined> {
    const t = await this.db.selectFrom('pec_transactions').selectAll().where('pec_msg_id', '=', pecMsgId).executeTakeFirst();
    if (t === undefined) return undefined;
    const rcpts = await this.db.selectFrom('pec_recipients').selectAll()
      .where('pec_msg_id', '=', pecMsgId).orderBy('position').execute();
    return {
      pecMsgId: t.pec_msg_id,
      sender: t.sender,
      subject: t.subject,
      clientMsgId: t.client_msg_id,
      acceptedAt: fromMs(t.accepted_at),
      certification: parseJson<unknown>(t.certification),
      recipients: rcpts.map((r) => ({ address: r.address, state: r.state as RecipientState, warned: fromBool(r.warned) })),
    };
  }

  async setRecipientState(pecMsgId: string, address: string, state: RecipientState): Promise<void> {
    const from = ALLOWED_FROM[state];
    if (from === undefined) throw new StoreError('INVALID_INPUT', `unknown recipient state ${String(state)}`);
    const addr = normAddress(address);
    // One conditional UPDATE: the check and the move cannot be separated by a concurrent one.
    const moved = from.length === 0 ? undefined : await write(this.db, this.ctx, (db) => db.updateTable('pec_recipients')
      .set({ state })
      .where('pec_msg_id', '=', pecMsgId).where('address', '=', addr).where('state', 'in', [...from])
      .returning('address')
      .executeTakeFirst());
    if (moved === undefined) await this.#requireRecipient(pecMsgId, addr);
  }

  async markWarned(pecMsgId: string, address: string): Promise<void> {
    const addr = normAddress(address);
    const r = await write(this.db, this.ctx, (db) => db.updateTable('pec_recipients')
      .set({ warned: 1 })
      .where('pec_msg_id', '=', pecMsgId).where('address', '=', addr)
      .returning('address')
      .executeTakeFirst());
    if (r === undefined) throw new StoreError('TRANSACTION_NOT_FOUND', `no recipient ${addr} in transaction ${pecMsgId}`);
  }

  async countSince(sender: string, since: Date): Promise<number> {
    const r = await this.db.selectFrom('pec_transactions').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sender', '=', normAddress(sender)).where('accepted_at', '>=', toMs(since, 'since'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async #requireRecipient(pecMsgId: string, addr: string): Promise<void> {
    const r = await this.db.selectFrom('pec_recipients').select('address')
      .where('pec_msg_id', '=', pecMsgId).where('address', '=', addr).executeTakeFirst();
    if (r === undefined) throw new StoreError('TRANSACTION_NOT_FOUND', `no recipient ${addr} in transaction ${pecMsgId}`);
  }
}
