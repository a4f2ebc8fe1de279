/**
 * COPY (RFC 3501 §6.4.7) and MOVE (RFC 6851) with COPYUID (RFC 4315 §3). MOVE sends COPYUID
 * in an untagged OK first, then the EXPUNGEs, then the tagged OK (RFC 6851 §4.3).
 */
import type { SequenceSet } from '../../protocol/types.ts';
import { codes, statusResponse } from '../../protocol/writer.ts';
import { bad, no, ok, type CommandHandler } from '../context.ts';
import { IMAP_ERROR_TEXT } from '../errors.ts';
import { toSequenceSet } from '../selected.ts';
import { announceExpunged } from './expunge.ts';

export const copy: CommandHandler<{ tag: string; name: 'COPY' | 'MOVE'; uid: boolean; set: SequenceSet; mailbox: string }> = {
  states: ['selected'],
  async run(ctx, cmd) {
    const sel = ctx.selected!;
    const account = ctx.account!;
    const move = cmd.name === 'MOVE';
    if (move && sel.readOnly) return no(IMAP_ERROR_TEXT['READ-ONLY'], { name: 'READ-ONLY' });
    const uids = sel.resolve(cmd.set, cmd.uid);
    if (uids === 'invalid') return bad('Invalid message sequence number / numero di messaggio non valido');
    const dest = await account.getFolder(cmd.mailbox);
    if (!dest) return no('No such folder; create it first / cartella inesistente', codes.tryCreate());
    if (uids.length === 0) return ok(`${cmd.name} completed (no messages)`);
    const r = await account.copy(sel.folder.id, uids, dest.id, move);
    const copyUid = codes.copyUid(r.uidValidity, toSequenceSet(r.mapping.map(([s]) => s)), toSequenceSet(r.mapping.map(([, d]) => d)));
    if (!move) return ok('COPY completed', copyUid);
    await ctx.write(statusResponse(undefined, 'OK', 'Moved', copyUid));
    await announceExpunged(ctx, r.mapping.map(([s]) => s));
    return ok('MOVE completed');
  },
};
