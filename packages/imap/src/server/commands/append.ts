/**
 * APPEND (RFC 3501 §6.3.11) with flags and INTERNALDATE; APPENDUID (RFC 4315 §3). Several
 * messages in one command (MULTIAPPEND, RFC 3502) are stored all or none, in one transaction.
 * The bytes are stored exactly as received. A missing folder answers TRYCREATE; a full mailbox
 * OVERQUOTA (RFC 9208 §4.3), a read-only one READ-ONLY.
 */
import { codes } from '../../protocol/writer.ts';
import type { AppendMessage } from '../../protocol/types.ts';
import { no, ok, type CommandHandler } from '../context.ts';
import { toSequenceSet } from '../selected.ts';

export const append: CommandHandler<{ tag: string; name: 'APPEND'; mailbox: string; messages: AppendMessage[] }> = {
  states: ['authenticated', 'selected'],
  async run(ctx, cmd) {
    const account = ctx.account!;
    const folder = await account.getFolder(cmd.mailbox);
    if (!folder) return no('No such folder; create it first / cartella inesistente', codes.tryCreate());
    if (cmd.messages.some((m) => m.message.length === 0)) return no('Empty message / messaggio vuoto', { name: 'CANNOT' });
    const now = new Date();
    const items = cmd.messages.map((m) => ({ bytes: m.message, flags: (m.flags ?? []).filter((f) => f.toLowerCase() !== '\\recent'), internalDate: m.date ?? now }));
    if (items.length === 1) {
      const r = await account.append(folder.id, items[0]!.bytes, items[0]!.flags, items[0]!.internalDate);
      return ok('APPEND completed', codes.appendUid(r.uidValidity, r.uid));
    }
    const r = await account.appendMany(folder.id, items);
    return ok(`APPEND completed (${items.length} messages)`, codes.appendUids(r.uidValidity, toSequenceSet(r.uids)));
  },
};
