/**
 * LIST and LSUB (RFC 3501 §6.3.8–6.3.9) with the wildcards `*` (any characters) and `%` (any
 * but the separator), CHILDREN attributes (RFC 3348) and SPECIAL-USE attributes (RFC 6154).
 * Names go out in modified UTF-7 (RFC 3501 §5.1.3).
 */
import { encodeMutf7 } from '../../protocol/mutf7.ts';
import { ok, type CommandHandler } from '../context.ts';

/** RFC 3501 §6.3.8 pattern → anchored RegExp; INBOX matches case-insensitively. */
export function patternRegExp(pattern: string): RegExp {
  const body = pattern.split('').map((c) => (c === '*' ? '.*' : c === '%' ? '[^/]*' : c.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 's');
}

function matches(re: RegExp, name: string): boolean {
  return re.test(name) || (name === 'INBOX' && re.test('inbox')) || (name.startsWith('INBOX/') && re.test(`inbox${name.slice(5)}`));
}

type ListCommand = { tag: string; name: 'LIST' | 'LSUB'; reference: string; pattern: string; select?: string[]; ret?: string[] };

export const list: CommandHandler<ListCommand> = {
  states: ['authenticated', 'selected'],
  async run(ctx, cmd) {
    const account = ctx.account!;
    if (cmd.name === 'LIST' && cmd.pattern === '') {
      // RFC 3501 §6.3.8: the hierarchy delimiter and root name.
      await ctx.untagged([{ atom: 'LIST' }, [{ atom: '\\Noselect' }], '/', '']);
      return ok('LIST completed');
    }
    const folders = await account.listFolders();
    const re = patternRegExp(`${cmd.reference}${cmd.pattern}`);
    const hasChildren = (n: string): boolean => folders.some((f) => f.name.startsWith(`${n}/`));
    if (cmd.name === 'LSUB') {
      const byName = new Map(folders.map((f) => [f.name, f]));
      for (const n of (await account.subscriptions()).sort()) {
        if (!matches(re, n)) continue;
        const f = byName.get(n);
        const attrs = !f ? ['\\Noselect'] : f.specialUse ? [f.specialUse] : [];
        await ctx.untagged([{ atom: 'LSUB' }, attrs.map((atom) => ({ atom })), '/', n === 'INBOX' ? 'INBOX' : encodeMutf7(n)]);
      }
      return ok('LSUB completed');
    }
    const sorted = [...folders].sort((a, b) => (a.name === 'INBOX' ? -1 : b.name === 'INBOX' ? 1 : a.name < b.name ? -1 : 1));
    const select = new Set(cmd.select ?? []);
    const wantSubscribed = select.has('SUBSCRIBED') || (cmd.ret ?? []).includes('SUBSCRIBED');
    const subscribed = wantSubscribed ? new Set(await account.subscriptions()) : new Set<string>();
    for (const f of sorted) {
      if (!matches(re, f.name)) continue;
      // RFC 6154 §5.1 and RFC 5258 §3.1: selection options narrow the list.
      if (select.has('SPECIAL-USE') && !f.specialUse) continue;
      if (select.has('SUBSCRIBED') && !subscribed.has(f.name)) continue;
      const attrs = [hasChildren(f.name) ? '\\HasChildren' : '\\HasNoChildren'];
      if (wantSubscribed && subscribed.has(f.name)) attrs.push('\\Subscribed');
      if (f.specialUse) attrs.push(f.specialUse);
      await ctx.untagged([{ atom: 'LIST' }, attrs.map((atom) => ({ atom })), '/', f.name === 'INBOX' ? 'INBOX' : encodeMutf7(f.name)]);
    }
    return ok('LIST completed');
  },
};
