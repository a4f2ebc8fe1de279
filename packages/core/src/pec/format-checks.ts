/**
 * Formal checks of a PEC message (RFC 6109 §2.2.2 step 4, §4.3): the parts each kind must and
 * must not carry, daticert.xml against its DTD rules, and consistency between the (unsigned)
 * outer headers and the signed certification data.
 */
import { readDaticert, type Daticert } from '../daticert/index.ts';
import { toProblem, type Problem } from '../errors.ts';
import { decodeBody, decodeWords, fileName, headerValue, type MimeNode, type ParsedMessage } from '../mime/index.ts';
import type { PecKind } from './model.ts';
import { unbracketed } from './ids.ts';

const PREFIXES: Record<Exclude<PecKind, 'ordinaria'>, readonly string[]> = {
  'posta-certificata': ['POSTA CERTIFICATA:'],
  anomalia: ['ANOMALIA MESSAGGIO:'],
  accettazione: ['ACCETTAZIONE:'],
  'non-accettazione': ['AVVISO DI NON ACCETTAZIONE:', 'AVVISO DI NON ACCETTAZIONE PER VIRUS:'],
  'presa-in-carico': ['PRESA IN CARICO:'],
  'avvenuta-consegna': ['CONSEGNA:'],
  'errore-consegna': ['AVVISO DI MANCATA CONSEGNA:', 'AVVISO DI MANCATA CONSEGNA PER VIRUS:'],
  'preavviso-errore-consegna': ['AVVISO DI MANCATA CONSEGNA PER SUP. TEMPO MASSIMO:'],
  'rilevazione-virus': ['PROBLEMA DI SICUREZZA:'],
};

/** Kinds whose original must travel as postacert.eml, and kinds where it must not. */
const NEEDS_ORIGINAL = new Set<PecKind>(['posta-certificata', 'anomalia']);
const FORBIDS_ORIGINAL = new Set<PecKind>(['non-accettazione', 'rilevazione-virus', 'preavviso-errore-consegna']);

export interface FormatResult {
  readonly daticert?: Daticert;
  readonly sender?: string;
}

function isDaticert(n: MimeNode): boolean {
  return fileName(n)?.toLowerCase() === 'daticert.xml';
}

function isPostacert(n: MimeNode): boolean {
  return n.contentType.mime === 'message/rfc822';
}

export function checkFormat(msg: ParsedMessage, content: MimeNode, kind: PecKind, problems: Problem[]): FormatResult {
  if (kind === 'ordinaria') return {};
  const headers = msg.root.headers;
  const add = (code: string, message: string): void => void problems.push({ code, message });
  if (content.contentType.mime !== 'multipart/mixed') {
    add('PEC_LAYOUT', `signed content is ${content.contentType.mime}, expected multipart/mixed`);
  }
  const parts = content.children;
  const datiPart = parts.find(isDaticert);
  const original = parts.find(isPostacert);
  let daticert: Daticert | undefined;
  if (kind === 'anomalia') {
    if (datiPart) add('DATICERT_UNEXPECTED', 'an anomaly envelope carries no daticert.xml (RFC 6109 §3.2.2)');
  } else if (!datiPart) {
    add('DATICERT_MISSING', 'no daticert.xml part in the signed content');
  } else {
    const body = decodeBody(msg, datiPart);
    problems.push(...body.problems);
    try {
      daticert = readDaticert(body.bytes);
    } catch (err) {
      problems.push(toProblem(err, 'DATICERT_MALFORMED'));
    }
  }
  if (NEEDS_ORIGINAL.has(kind) && !original) add('POSTACERT_MISSING', `a ${kind} message must carry the original as postacert.eml`);
  if (FORBIDS_ORIGINAL.has(kind) && original) add('POSTACERT_UNEXPECTED', `a ${kind} message must not carry the original`);
  if (daticert) {
    if (daticert.tipo !== kind) add('DATICERT_TYPE_MISMATCH', `headers say ${kind}, daticert.xml says ${daticert.tipo}`);
    if (kind === 'avvenuta-consegna') {
      const v = daticert.ricevuta ?? 'completa';
      if (v === 'sintetica' && original) add('POSTACERT_UNEXPECTED', 'a sintetica delivery receipt must not carry the original');
      if (v !== 'sintetica' && !original) add('POSTACERT_MISSING', `a ${v} delivery receipt must carry the original`);
    }
    const ref = headerValue(headers, 'x-riferimento-message-id')?.trim();
    if (ref && daticert.msgid && ref !== daticert.msgid) {
      add('REFERENCE_MISMATCH', `X-Riferimento-Message-ID ${ref} differs from daticert msgid ${daticert.msgid}`);
    }
    if (kind === 'posta-certificata') {
      const mid = headerValue(headers, 'message-id');
      if (!mid || unbracketed(mid) !== daticert.identificativo) {
        add('PEC_MSGID_MISMATCH', `envelope Message-ID ${mid ?? '(none)'} differs from daticert identificativo ${daticert.identificativo}`);
      }
    }
  }
  const subject = decodeWords(headerValue(headers, 'subject') ?? '');
  const prefixes = PREFIXES[kind];
  if (!prefixes.some((p) => subject.toUpperCase().startsWith(p))) {
    add('SUBJECT_PREFIX_MISMATCH', `subject does not start with ${prefixes.join(' or ')}`);
  }
  return daticert ? { daticert, sender: daticert.mittente } : {};
}
