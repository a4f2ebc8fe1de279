/**
 * EXPUNGE (RFC 3501 §6.4.3) and UID EXPUNGE (RFC 4315 §2.1): one untagged EXPUNGE per removed
 * message, numbered as the client sees the folder at that moment.
 */
import type { SequenceSet } from '../../protocol/types.ts';
import { no, ok, type CommandHandler, type SessionContext } from '../context.ts';
import { IMAP_ERROR_TEXT } from '../errors.ts';

/** Removes UIDs from the view, telling the client (shared with MOVE). */
export async function announceExpunged(ctx: SessionContext, uids: readonly number[]): Promise<void> {
  const sel = ctx.selected!;
  for (const uid of uids) {
    const seq = sel.seqOf(uid);
    if (seq === 0) continue;
    sel.uids.splice(seq - 1, 1);
    await ctx.untagged([seq, { atom: 'EXPUNGE' }]);
  }
}

export const expunge: CommandHandler<{ tag: string; name: 'EXPUNGE'; uid: boolean; set?: SequenceSet }> = {
  states: ['selected'],
  async run(ctx, cmd) {
    const sel = ctx.selected!;
    if (sel.readOnly) return no(IMAP_ERROR_TEXT['READ-ONLY'], { name: 'READ-ONLY' });
    let uids: number[] | undefined;
    if (cmd.set) {
      const r = sel.resolve(cmd.set, true);
      if (r === 'invalid') return no('Invalid UID set');
      uids = r;
      if (uids.length === 0) return ok('EXPUNGE completed (nothing to do)');
    }
    const gone = await ctx.account!.expunge(sel.folder.id, uids);
    await announceExpunged(ctx, gone);
    return ok('EXPUNGE completed');
  },
};
