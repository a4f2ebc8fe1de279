/**
 * The SMTP backends of a provider: authenticated submission (access point) and the
 * inter-provider listener (reception point). Replies carry RFC 3463 codes and Italian text.
 */
import type { SmtpBackend, SmtpReply, SmtpSession } from '@recapito/smtp';
import { lowerAddress, type ProviderContext } from './context.ts';
import { submit } from './access-point.ts';
import { verifyPassword } from './passwords.ts';
import { acceptRecipient, receive } from './reception.ts';

const reply = (code: number, enhanced: string, message: string): SmtpReply => ({ code, enhanced, message });

export function submissionBackend(ctx: ProviderContext): SmtpBackend {
  return {
    async authenticate(username: string, password: string) {
      const m = await ctx.store.accounts.getMailbox(lowerAddress(username));
      const valid = m !== undefined && !m.ceasedAt && m.type !== 'service' && (await verifyPassword(password, m.passwordHash));
      if (!valid) return { ok: false, reply: reply(535, '5.7.8', 'credenziali non valide / authentication failed') };
      return { ok: true, user: m.address };
    },
    async mailFrom(address: string, s: SmtpSession) {
      const user = s.user ? await ctx.store.accounts.getMailbox(s.user) : undefined;
      if (!user) return reply(530, '5.7.0', 'autenticazione richiesta / authentication required');
      if (lowerAddress(address) !== user.address) {
        return reply(550, '5.7.1', `il mittente deve essere la casella autenticata ${user.address} / sender must be the authenticated mailbox`);
      }
      if (!user.sendingEnabled || user.readOnly || user.ceasedAt) {
        return reply(550, '5.7.1', 'invio disabilitato per questa casella / sending is disabled for this mailbox');
      }
      const now = ctx.clock.now().getTime();
      if (user.limits.perMinute > 0 && (await ctx.store.transactions.countSince(user.address, new Date(now - 60_000))) >= user.limits.perMinute) {
        return reply(451, '4.7.1', `limite di ${user.limits.perMinute} messaggi al minuto raggiunto, riprovare più tardi / per-minute sending limit reached, retry later`);
      }
      if (user.limits.perDay > 0 && (await ctx.store.transactions.countSince(user.address, new Date(now - 86_400_000))) >= user.limits.perDay) {
        return reply(550, '5.7.1', `limite di ${user.limits.perDay} messaggi al giorno raggiunto / daily sending limit reached`);
      }
      return undefined;
    },
    async rcptTo() {
      return undefined;
    },
    async data(message, envelope, s) {
      const user = await ctx.store.accounts.getMailbox(s.user ?? '');
      if (!user) return reply(530, '5.7.0', 'autenticazione richiesta / authentication required');
      await submit(ctx, user, envelope, message);
      return undefined;
    },
  };
}

export function inboundBackend(ctx: ProviderContext): SmtpBackend {
  return {
    async mailFrom() {
      return undefined;
    },
    async rcptTo(address: string) {
      return acceptRecipient(ctx, address);
    },
    async data(message, envelope, s) {
      return receive(ctx, message, envelope, s.remoteAddress);
    },
  };
}
