/**
 * Checks a Daticert model against the DTD (RFC 6109 §4.4) before it is written and after it
 * is read, so that whatever the writer accepts the reader accepts, and the other way round.
 * Which optional elements each message type carries (RFC 6109 §3) is the builders' concern,
 * not checked here: part of that mapping is unverified and a reader must accept real files.
 */
import { legalTimeError } from '../time/legal-time.ts';
import { daticertError } from './errors.ts';
import {
  DATICERT_ERRORI, DATICERT_TIPI, RECEIPT_VARIANTS, RECIPIENT_TYPES, type Daticert,
} from './model.ts';

/** Options of {@link validateDaticert}. */
export interface ValidateDaticertOptions {
  /**
   * Require `msgid` in angle brackets, as the client wrote it (RFC 6109 §4.4; real files).
   * The writer requires it (a producer must be exact); the reader reports what it finds.
   */
  requireMsgidBrackets?: boolean;
}

// XML 1.0 §2.2 Char: TAB, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF. With the
// u flag a lone surrogate is one code point in D800–DFFF, so it is caught too.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
// Whitespace per XML 1.0 §2.3 (S); tokens never start or end with it, nor carry line breaks.
const EDGE_SPACE = /^[ \t\r\n]|[ \t\r\n]$/;
const LINE_BREAK_OR_TAB = /[\t\r\n]/;

/** Throws `DATICERT_INVALID_CHAR` when `value` has a character XML 1.0 cannot carry. */
export function assertXmlChars(value: string, where: string): void {
  const m = NOT_XML_CHAR.exec(value);
  if (m) {
    const cp = m[0].codePointAt(0) ?? 0;
    const hex = cp.toString(16).toUpperCase().padStart(4, '0');
    throw daticertError('DATICERT_INVALID_CHAR', `${where} contains U+${hex}, not allowed in XML 1.0 (§2.2)`);
  }
}

function text(value: unknown, where: string): void {
  if (typeof value !== 'string') throw daticertError('DATICERT_INVALID', `${where} must be a string`);
  assertXmlChars(value, where);
}

/** A single-line identifier or address: non-empty, no surrounding space, no line break. */
function token(value: unknown, where: string): void {
  text(value, where);
  const s = value as string;
  if (s.length === 0) throw daticertError('DATICERT_INVALID', `${where} is empty`);
  if (EDGE_SPACE.test(s)) throw daticertError('DATICERT_INVALID', `${where} starts or ends with whitespace`);
  if (LINE_BREAK_OR_TAB.test(s)) throw daticertError('DATICERT_INVALID', `${where} contains a line break or tab`);
}

function oneOf(value: unknown, allowed: readonly string[], where: string): void {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw daticertError('DATICERT_INVALID', `${where} is ${JSON.stringify(value)}, expected one of ${allowed.join(', ')}`);
  }
}

/**
 * Throws a RecapitoError (`DATICERT_INVALID`, `DATICERT_BAD_TIME`, `DATICERT_INVALID_CHAR`)
 * unless `d` can be written as a DTD-valid daticert.xml: required elements present and
 * non-empty, enumerations respected, `data` well-formed, every character allowed by XML 1.0.
 */
export function validateDaticert(d: Daticert, options: ValidateDaticertOptions = {}): void {
  if (typeof d !== 'object' || d === null) throw daticertError('DATICERT_INVALID', 'the model is not an object');
  oneOf(d.tipo, DATICERT_TIPI, 'postacert/@tipo');
  oneOf(d.errore, DATICERT_ERRORI, 'postacert/@errore');
  token(d.mittente, '<mittente>');
  // DTD: destinatari+ (one element per recipient).
  if (!Array.isArray(d.destinatari) || d.destinatari.length === 0) {
    throw daticertError('DATICERT_INVALID', '<intestazione> needs at least one <destinatari>');
  }
  d.destinatari.forEach((r, i) => {
    const where = `<destinatari> #${i + 1}`;
    if (typeof r !== 'object' || r === null) throw daticertError('DATICERT_INVALID', `${where} is not an object`);
    token(r.address, where);
    oneOf(r.tipo, RECIPIENT_TYPES, `${where} @tipo`);
  });
  token(d.risposte, '<risposte>');
  if (d.oggetto !== undefined) text(d.oggetto, '<oggetto>');
  token(d.gestoreEmittente, '<gestore-emittente>');
  if (typeof d.data !== 'object' || d.data === null) throw daticertError('DATICERT_INVALID', '<data> is missing');
  text(d.data.giorno, '<giorno>');
  text(d.data.ora, '<ora>');
  text(d.data.zona, '<data> @zona');
  const timeProblem = legalTimeError(d.data);
  if (timeProblem) throw daticertError('DATICERT_BAD_TIME', `<data>: ${timeProblem}`);
  token(d.identificativo, '<identificativo>');
  if (d.msgid !== undefined) {
    token(d.msgid, '<msgid>');
    if (options.requireMsgidBrackets && !/^<.+>$/s.test(d.msgid)) {
      throw daticertError('DATICERT_INVALID', `<msgid> "${d.msgid}" must keep its angle brackets, e.g. <id@host>`);
    }
  }
  if (d.ricevuta !== undefined) oneOf(d.ricevuta, RECEIPT_VARIANTS, '<ricevuta> @tipo');
  if (d.consegna !== undefined) token(d.consegna, '<consegna>');
  if (!Array.isArray(d.ricezione)) throw daticertError('DATICERT_INVALID', 'ricezione must be an array (possibly empty)');
  d.ricezione.forEach((r, i) => token(r, `<ricezione> #${i + 1}`));
  if (d.erroreEsteso !== undefined) text(d.erroreEsteso, '<errore-esteso>');
}
