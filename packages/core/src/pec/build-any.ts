/**
 * One entry point that builds any kind from simple inputs (sender, recipients, an optional
 * original): what `recapito pec build` and the tests use. The provider pipeline calls the
 * kind builders directly with the certification data of real transactions.
 */
import type { ReceiptVariant } from '../daticert/index.ts';
import { RecapitoError } from '../errors.ts';
import { concatChunks, headerValue, parseAddressList, utf8Encoder } from '../mime/index.ts';
import { formatRfc5322Date } from '../time/legal-time.ts';
import { newMessageId } from './ids.ts';
import { readOriginal, postacertOf, type Original } from './original.ts';
import type { BuiltMessage, Certification, PecKind, ProviderIdentity } from './model.ts';
import type { BuildContext } from './receipt.ts';
import { buildAcceptance } from './kinds/accettazione.ts';
import { buildNonAcceptance } from './kinds/non-accettazione.ts';
import { buildTransportEnvelope } from './kinds/busta-trasporto.ts';
import { buildTakeInCharge } from './kinds/presa-in-carico.ts';
import { buildAnomalyEnvelope } from './kinds/busta-anomalia.ts';
import { buildVirusDetection } from './kinds/rilevazione-virus.ts';
import { buildVirusNonDelivery } from './kinds/errore-consegna-virus.ts';
import { buildDeliveryReceipt } from './kinds/avvenuta-consegna.ts';
import { buildNonDelivery, type NonDeliveryReason } from './kinds/errore-consegna.ts';
import { buildTimeoutNotice } from './kinds/preavviso.ts';

export interface BuildRequest {
  readonly kind: PecKind;
  readonly provider: ProviderIdentity;
  readonly sender: string;
  readonly to: readonly string[];
  readonly cc?: readonly string[];
  /** Recipients that are not PEC (esterno). */
  readonly external?: readonly string[];
  readonly subject?: string;
  readonly original?: Uint8Array;
  readonly variant?: ReceiptVariant;
  /** daticert errore: no-dest | no-dominio | altro | virus. */
  readonly error?: string;
  readonly reason?: string;
  readonly virus?: string;
  readonly hours?: 12 | 24;
  readonly recipient?: string;
  readonly serviceTo?: string;
  readonly pecMsgId?: string;
  readonly at?: Date;
}

/** A plain original message when none is given. */
export function sampleOriginal(sender: string, to: readonly string[], cc: readonly string[], subject: string, at: Date, domain: string): Uint8Array {
  const lines = [
    `From: ${sender}`,
    `To: ${to.join(', ')}`,
    ...(cc.length ? [`Cc: ${cc.join(', ')}`] : []),
    `Subject: ${subject}`,
    `Date: ${formatRfc5322Date(at, 'Europe/Rome')}`,
    `Message-ID: <${newMessageId(domain, at).replace(/^rcp\./, 'client.')}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Messaggio di prova di posta elettronica certificata.',
    '',
  ];
  return utf8Encoder.encode(lines.join('\r\n'));
}

const NON_DELIVERY: Record<string, NonDeliveryReason> = { 'no-dest': 'no-such-user', 'no-dominio': 'no-such-domain', altro: 'other' };

export async function buildAnyKind(req: BuildRequest): Promise<BuiltMessage> {
  const { provider } = req;
  const at = req.at ?? provider.clock.now();
  const cc = req.cc ?? [];
  const external = new Set((req.external ?? []).map((a) => a.toLowerCase()));
  const original: Original = readOriginal(req.original ?? sampleOriginal(req.sender, req.to, cc, req.subject ?? 'Messaggio di prova', at, provider.domain));
  const cert: Certification = {
    sender: req.sender,
    recipients: [...req.to, ...cc].map((address) => ({ address, type: external.has(address.toLowerCase()) ? 'esterno' as const : 'certificato' as const })),
    replyTo: parseAddressList(headerValue(original.fields, 'reply-to'))[0]?.address ?? req.sender,
    subject: req.subject ?? original.subject,
    ...(original.clientMsgId ? { clientMsgId: original.clientMsgId } : {}),
    pecMsgId: req.pecMsgId ?? newMessageId(provider.domain, at),
    receiptVariant: req.variant ?? original.receiptVariant,
  };
  const ctx: BuildContext = { provider, cert, at };
  const recipient = req.recipient ?? req.to[0] ?? '';
  const serviceTo = req.serviceTo ?? `posta-certificata@${req.sender.split('@')[1] ?? provider.domain}`;
  const virus = req.virus ?? 'EICAR-Test-File';
  switch (req.kind) {
    case 'accettazione': return buildAcceptance(ctx);
    case 'non-accettazione':
      return buildNonAcceptance(ctx, { reason: req.reason ?? 'messaggio non conforme', ...(req.error === 'virus' ? { virus } : {}) });
    case 'posta-certificata': return buildTransportEnvelope(ctx, original);
    case 'presa-in-carico': return buildTakeInCharge(ctx, { to: serviceTo, ricezione: req.recipient ? [req.recipient] : req.to });
    case 'anomalia':
      return buildAnomalyEnvelope({ provider, received: original, error: req.reason ?? 'firma non presente o non attendibile', mailFrom: req.sender, rcptTo: [...req.to, ...cc], at });
    case 'rilevazione-virus': return buildVirusDetection(ctx, { to: serviceTo, recipient, virus });
    case 'avvenuta-consegna': {
      const postacert = concatChunks(postacertOf(original, cert.pecMsgId));
      return buildDeliveryReceipt(ctx, { recipient, variant: cert.receiptVariant, postacert });
    }
    case 'errore-consegna': {
      if (req.error === 'virus') return buildVirusNonDelivery(ctx, { recipient, virus });
      const reason = NON_DELIVERY[req.error ?? 'no-dest'];
      if (!reason) throw new RecapitoError('BUILD_BAD_ERROR', `--error for errore-consegna must be no-dest, no-dominio, altro or virus (got "${req.error}")`);
      return buildNonDelivery(ctx, { recipient, reason, ...(req.reason ? { detail: req.reason } : {}) });
    }
    case 'preavviso-errore-consegna': return buildTimeoutNotice(ctx, { recipient, hours: req.hours ?? 12 });
    case 'ordinaria':
      throw new RecapitoError('BUILD_BAD_KIND', 'ordinary mail is not built by a provider');
  }
}
