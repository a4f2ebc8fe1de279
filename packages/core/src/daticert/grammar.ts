/**
 * The daticert DTD (RFC 6109 §4.4; dtd/daticert.dtd) as data, for the reader's validity
 * checks: content model of every element and its attributes with enumerations and defaults.
 * Maps, not object literals, so that names like `constructor` or `__proto__` in hostile input
 * never hit Object.prototype.
 */
import { DATICERT_ERRORI, DATICERT_TIPI, RECEIPT_VARIANTS, RECIPIENT_TYPES } from './model.ts';

/** One item of a sequence content model: `name` (1..1), `name?` (0..1), `name+`, `name*`. */
export interface Particle {
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

/** An attribute declaration: enumerated or CDATA, required or with a default. */
export interface AttributeDecl {
  readonly values?: readonly string[];
  readonly required: boolean;
  readonly default?: string;
}

/** An element declaration: `(#PCDATA)`, `EMPTY`, or a sequence of particles. */
export interface ElementDecl {
  readonly content: 'text' | 'empty' | readonly Particle[];
  readonly attributes: ReadonlyMap<string, AttributeDecl>;
}

const one = (name: string): Particle => ({ name, min: 1, max: 1 });
const opt = (name: string): Particle => ({ name, min: 0, max: 1 });
const many = (name: string, min: number): Particle => ({ name, min, max: Number.POSITIVE_INFINITY });
const noAttributes: ReadonlyMap<string, AttributeDecl> = new Map();
const pcdata: ElementDecl = { content: 'text', attributes: noAttributes };

/** Name of the document element. */
export const ROOT_ELEMENT = 'postacert';

/** Every element the DTD declares. */
export const DATICERT_GRAMMAR: ReadonlyMap<string, ElementDecl> = new Map<string, ElementDecl>([
  ['postacert', {
    content: [one('intestazione'), one('dati')],
    attributes: new Map<string, AttributeDecl>([
      ['tipo', { values: DATICERT_TIPI, required: true }],
      ['errore', { values: DATICERT_ERRORI, required: false, default: 'nessuno' }],
    ]),
  }],
  ['intestazione', {
    content: [one('mittente'), many('destinatari', 1), one('risposte'), opt('oggetto')],
    attributes: noAttributes,
  }],
  ['mittente', pcdata],
  ['destinatari', {
    content: 'text',
    attributes: new Map([['tipo', { values: RECIPIENT_TYPES, required: false, default: 'certificato' }]]),
  }],
  ['risposte', pcdata],
  ['oggetto', pcdata],
  ['dati', {
    content: [
      one('gestore-emittente'), one('data'), one('identificativo'), opt('msgid'), opt('ricevuta'),
      opt('consegna'), many('ricezione', 0), opt('errore-esteso'),
    ],
    attributes: noAttributes,
  }],
  ['gestore-emittente', pcdata],
  ['data', {
    content: [one('giorno'), one('ora')],
    attributes: new Map([['zona', { required: true }]]),
  }],
  ['giorno', pcdata],
  ['ora', pcdata],
  ['identificativo', pcdata],
  ['msgid', pcdata],
  ['ricevuta', {
    content: 'empty',
    attributes: new Map([['tipo', { values: RECEIPT_VARIANTS, required: true }]]),
  }],
  ['consegna', pcdata],
  ['ricezione', pcdata],
  ['errore-esteso', pcdata],
]);
