/** Inbound dedup: the primary key (message_id, rcpt) decides, atomically, who was first. */
import type { Received } from '../ports.ts';
import { toMs, write, type Ctx } from './context.ts';
import type { Db } from './schema.ts';

/** Kysely implementation of {@link Received}. Recipients are compared lower-case. */
export class KyselyReceived implements Received {
  constructor(private readonly db: Db, private readonly ctx: Ctx) {}

  async markReceived(messageId: string, rcpt: string, at: Date): Promise<boolean> {
    const atMs = toMs(at);
    const rows = await write(this.db, this.ctx, (db) => db.insertInto('received')
      .values({ message_id: messageId, rcpt: rcpt.trim().toLowerCase(), received_at: atMs })
      .onConflict((oc) => oc.columns(['message_id', 'rcpt']).doNothing())
      .returning('rcpt')
      .execute());
    return rows.length === 1;
  }
}
