/**
 * STORE (RFC 3501 §6.4.6) with UNCHANGEDSINCE (RFC 7162 §3.1.3). Without .SILENT the new flags
 * of every message of the set are returned; messages changed meanwhile by others are left alone
 * and named in [MODIFIED].
 */
import type { SequenceSet } from '../../protocol/types.ts';
import { codes, type WireValue } from '../../protocol/writer.ts';
import { bad, no, ok, type CommandHandler } from '../context.ts';
import { IMAP_ERROR_TEXT } from '../errors.ts';
import { toSequenceSet } from '../selected.ts';

type StoreCommand = {
  tag: string; name: 'STORE'; uid: boolean; set: SequenceSet; op: 'set' | 'add' | 'remove';
  silent: boolean; flags: string[]; unchangedSince?: bigint;
};

export const store: CommandHandler<StoreCommand> = {
  states: ['selected'],
  async run(ctx, cmd) {
    const sel = ctx.selected!;
    const account = ctx.account!;
    if (sel.readOnly) return no(IMAP_ERROR_TEXT['READ-ONLY'], { name: 'READ-ONLY' });
    const uids = sel.resolve(cmd.set, cmd.uid);
    if (uids === 'invalid') return bad('Invalid message sequence number / numero di messaggio non valido');
    if (cmd.unchangedSince !== undefined) ctx.condstore = true;
    const flags = cmd.flags.filter((f) => f.toLowerCase() !== '\\recent');
    const since = cmd.unchangedSince === undefined ? undefined : Number(cmd.unchangedSince);
    const r = await account.storeFlags(sel.folder.id, uids, cmd.op, flags, since);
    sel.noteOwn(r.changed);
    const modified = new Set(r.modified);
    const changed = new Map(r.changed.map((m) => [m.uid, m]));
    // RFC 7162 §3.1.3: with CONDSTORE, the new MODSEQ of changed messages is sent even when silent.
    const report = cmd.silent ? (ctx.condstore ? [...changed.values()] : [])
      : await account.messages(sel.folder.id, uids.filter((u) => !modified.has(u)));
    for (const m of report) {
      const seq = sel.seqOf(m.uid);
      if (seq === 0) continue;
      const items: WireValue[] = [];
      if (cmd.uid) items.push({ atom: 'UID' }, m.uid);
      if (!cmd.silent) items.push({ atom: 'FLAGS' }, m.flags.map((atom) => ({ atom })));
      if (ctx.condstore) items.push({ atom: 'MODSEQ' }, [m.modseq]);
      await ctx.untagged([seq, { atom: 'FETCH' }, items]);
    }
    if (modified.size) {
      const set = cmd.uid ? [...modified] : [...modified].map((u) => sel.seqOf(u)).filter((s) => s > 0);
      return ok('Conditional STORE failed for some messages', codes.modified(toSequenceSet(set.sort((a, b) => a - b))));
    }
    return ok('STORE completed');
  },
};
