/**
 * QUOTA (RFC 9208): one root "" for the whole mailbox with the STORAGE resource in units of
 * 1024 octets. SETQUOTA is refused: quotas are set by the administrator (NOPERM).
 */
import type { WireValue } from '../../protocol/writer.ts';
import { no, ok, type CommandHandler, type SessionContext } from '../context.ts';
import { IMAP_ERROR_TEXT } from '../errors.ts';

async function quotaLine(ctx: SessionContext): Promise<void> {
  const q = await ctx.account!.quota();
  const storage: WireValue[] = [{ atom: 'STORAGE' }, Math.ceil(q.usedBytes / 1024), Math.floor(q.limitBytes / 1024)];
  await ctx.untagged([{ atom: 'QUOTA' }, '', storage]);
}

export const getquotaroot: CommandHandler<{ tag: string; name: 'GETQUOTAROOT'; mailbox: string }> = {
  states: ['authenticated', 'selected'],
  async run(ctx, cmd) {
    if (!(await ctx.account!.getFolder(cmd.mailbox))) return no(IMAP_ERROR_TEXT.NONEXISTENT, { name: 'NONEXISTENT' });
    await ctx.untagged([{ atom: 'QUOTAROOT' }, cmd.mailbox, '']);
    await quotaLine(ctx);
    return ok('GETQUOTAROOT completed');
  },
};

export const getquota: CommandHandler<{ tag: string; name: 'GETQUOTA'; root: string }> = {
  states: ['authenticated', 'selected'],
  async run(ctx, cmd) {
    if (cmd.root !== '') return no('No such quota root / radice di quota inesistente', { name: 'NONEXISTENT' });
    await quotaLine(ctx);
    return ok('GETQUOTA completed');
  },
};

export const setquota: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run() {
    return no('Quotas are set by the administrator / le quote sono stabilite dal gestore', { name: 'NOPERM' });
  },
};
