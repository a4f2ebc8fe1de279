/**
 * Busta di anomalia (RFC 6109 §3.2.2): a received message that is not a valid PEC message
 * (or is ordinary mail) wrapped by the recipient's provider. Inherits Received, To, Cc,
 * Return-Path and Message-ID; carries the whole received message as postacert.eml and no
 * daticert.xml. No receipt is ever emitted for it.
 */
import { formatAddress, parseAddressList } from '../../mime/index.ts';
import { composeSigned } from '../compose.ts';
import { toLegalTime } from '../../time/legal-time.ts';
import { newMessageId, unbracketed } from '../ids.ts';
import { inheritedFields, type Original } from '../original.ts';
import { when } from '../texts.ts';
import type { BuiltMessage, ProviderIdentity } from '../model.ts';

export interface AnomalyInput {
  readonly provider: ProviderIdentity;
  /** The received message. */
  readonly received: Original;
  /** Short reason the data are not certified, e.g. "firma non presente o non attendibile". */
  readonly error: string;
  /** SMTP MAIL FROM and RCPT TO of the reception, when known (they win over headers). */
  readonly mailFrom?: string;
  readonly rcptTo?: readonly string[];
  readonly at?: Date;
}

export async function buildAnomalyEnvelope(input: AnomalyInput): Promise<BuiltMessage> {
  const { provider, received } = input;
  const at = input.at ?? provider.clock.now();
  const headerFrom = parseAddressList(received.fields.find((f) => f.key === 'from')?.value)[0]?.address;
  const sender = input.mailFrom || headerFrom || 'mittente sconosciuto';
  const rcpts = input.rcptTo ?? received.fields
    .filter((f) => f.key === 'to' || f.key === 'cc')
    .flatMap((f) => parseAddressList(f.value).map((m) => m.address));
  const inheritsMessageId = received.clientMsgId !== undefined;
  const fields: [string, string][] = [
    ['X-Trasporto', 'errore'],
    ['Subject', `ANOMALIA MESSAGGIO: ${received.subject}`],
    ['From', formatAddress(provider.serviceAddress, `Per conto di: ${sender}`)],
  ];
  if (!received.fields.some((f) => f.key === 'reply-to')) fields.push(['Reply-To', sender]);
  const t = toLegalTime(at, provider.timeZone);
  const messageId = inheritsMessageId ? unbracketed(received.clientMsgId!) : newMessageId(provider.domain, at);
  const chunks = await composeSigned({
    provider,
    at,
    messageId,
    inheritsMessageId,
    inherited: inheritedFields(received, ['Received', 'Return-Path', 'To', 'Cc', 'Message-ID']),
    fields,
    subject: received.subject,
    body: {
      title: 'Anomalia nel messaggio',
      paragraphs: [
        `${when(t)} è stato ricevuto il messaggio "${received.subject}" proveniente da "${sender}" ed indirizzato a:\n${rcpts.join('\n')}`,
        `Tali dati non sono stati certificati per il seguente errore: ${input.error}.`,
        'Il messaggio originale è incluso in allegato.',
      ],
    },
    original: [received.bytes],
  });
  return { kind: 'anomalia', messageId, chunks, at };
}
