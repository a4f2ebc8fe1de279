/**
 * Appending many messages to one folder in one transaction (imports, migrations, tests with
 * large folders): consecutive UIDs, one mod-sequence for the batch (as COPY, message-copy.ts),
 * the quota reserved for the total before anything is inserted — all or nothing.
 */
import type { BatchMessage, StoredMessage } from '../ports.ts';
import { StoreError } from '../errors.ts';
import { atomic, chunked, toMs } from './context.ts';
import { flagColumns, normFlags } from './flags.ts';
import { bumpFolder, lockFolder, lockMailbox, MESSAGE_COLUMNS, normFolderName, toMessage } from './folder-rows.ts';
import type { Db } from './schema.ts';

/** Rows per multi-row INSERT: 9 columns each, well under both dialects' parameter limits. */
const INSERT_CHUNK = 1000;

export async function appendMany(db: Db, mailboxId: number, folder: string, items: readonly BatchMessage[]): Promise<StoredMessage[]> {
  const name = normFolderName(folder);
  const rows = items.map((m) => {
    if (!Number.isSafeInteger(m.blob.size) || m.blob.size < 0) throw new StoreError('INVALID_INPUT', `invalid blob size ${m.blob.size}`);
    return { blob: m.blob, date: toMs(m.internalDate, 'internalDate'), flags: flagColumns(normFlags(m.flags ?? [])) };
  });
  if (rows.length === 0) return [];
  return atomic(db, async (trx) => {
    const f = await trx.selectFrom('folders').select('id').where('mailbox_id', '=', mailboxId).where('name', '=', name).executeTakeFirst();
    if (f === undefined) throw new StoreError('FOLDER_NOT_FOUND', `no folder ${name} in mailbox ${mailboxId}`);
    // Lock order as everywhere: mailbox, then folder (folder-rows.ts).
    await lockMailbox(trx, mailboxId);
    await lockFolder(trx, Number(f.id));
    const bytes = rows.reduce((n, r) => n + r.blob.size, 0);
    const reserved = await trx.updateTable('mailboxes')
      .set((eb) => ({ used_bytes: eb('used_bytes', '+', bytes) }))
      .where('id', '=', mailboxId)
      .where((eb) => eb(eb('used_bytes', '+', bytes), '<=', eb.ref('quota_bytes')))
      .returning('id')
      .executeTakeFirst();
    if (reserved === undefined) throw new StoreError('QUOTA_EXCEEDED', `mailbox ${mailboxId}: ${bytes} bytes do not fit in the quota`);
    const { modseq, firstUid } = await bumpFolder(trx, Number(f.id), rows.length);
    const out: StoredMessage[] = [];
    for (const part of chunked(rows.map((r, i) => [r, firstUid + i] as const), INSERT_CHUNK)) {
      const inserted = await trx.insertInto('messages').values(part.map(([r, uid]) => ({
        folder_id: Number(f.id), uid, blob_id: r.blob.id, size: r.blob.size, internal_date: r.date, ...r.flags, modseq,
      }))).returning(MESSAGE_COLUMNS).execute();
      out.push(...inserted.map(toMessage));
    }
    return out;
  });
}
