/**
 * APPEND (RFC 3501 §6.3.11) with flags and INTERNALDATE; APPENDUID (RFC 4315 §3). The bytes
 * are stored exactly as received. A missing folder answers TRYCREATE; a full mailbox
 * OVERQUOTA (RFC 9208 §4.3), a read-only one READ-ONLY.
 */
import { codes } from '../../protocol/writer.ts';
import { no, ok, type CommandHandler } from '../context.ts';

export const append: CommandHandler<{ tag: string; name: 'APPEND'; mailbox: string; flags?: string[]; date?: Date; message: Uint8Array }> = {
  states: ['authenticated', 'selected'],
  async run(ctx, cmd) {
    const account = ctx.account!;
    const folder = await account.getFolder(cmd.mailbox);
    if (!folder) return no('No such folder; create it first / cartella inesistente', codes.tryCreate());
    if (cmd.message.length === 0) return no('Empty message / messaggio vuoto', { name: 'CANNOT' });
    const flags = (cmd.flags ?? []).filter((f) => f.toLowerCase() !== '\\recent');
    const r = await account.append(folder.id, cmd.message, flags, cmd.date ?? new Date());
    return ok('APPEND completed', codes.appendUid(r.uidValidity, r.uid));
  },
};
