/**
 * Strict reader of daticert.xml. The document arrives from other providers and from anyone
 * who can reach port 25, so it is treated as hostile:
 * - size, depth and element count are capped before or while parsing;
 * - no DTD processing at all: any DOCTYPE is refused, so entity bombs ("billion laughs") and
 *   external entities (XXE) cannot happen; only the five predefined entities and character
 *   references are decoded (XML 1.0 §4.6, §4.1);
 * - processing instructions other than the XML declaration are refused;
 * - validity is checked against the DTD of RFC 6109 §4.4 as elements open (unknown or
 *   misplaced elements stop the parse at once) and close (missing elements);
 * - formats the DTD leaves as text are checked: giorno, ora, zona (RFC 6109 §4.2).
 * Well-formedness is left to saxes. Whitespace between elements and around single-line
 * values is ignored; `oggetto` and `errore-esteso` are kept verbatim.
 */
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { RecapitoError } from '../errors.ts';
import { daticertError } from './errors.ts';
import { DATICERT_GRAMMAR, ROOT_ELEMENT, type ElementDecl, type Particle } from './grammar.ts';
import type { Daticert, DaticertErrore, DaticertTipo, ReceiptVariant, RecipientType } from './model.ts';
import { validateDaticert } from './validate.ts';

/** Limits of {@link readDaticert}; each one bounds time and memory on hostile input. */
export interface DaticertLimits {
  /** Input size in bytes (UTF-8). Real files are about 1 KiB; 1 MiB leaves room for thousands of recipients. */
  maxBytes: number;
  /** Element nesting. The DTD needs 4 (postacert/dati/data/giorno). */
  maxDepth: number;
  /** Elements in the document (one per recipient, plus about 15). */
  maxElements: number;
}

/** Default limits of {@link readDaticert}. */
export const DEFAULT_DATICERT_LIMITS: Readonly<DaticertLimits> = Object.freeze({
  maxBytes: 1024 * 1024,
  maxDepth: 8,
  maxElements: 10_000,
});

/** A validated element: what the DTD allows, nothing else. */
interface Node {
  readonly name: string;
  readonly attributes: Map<string, string>;
  text: string;
  readonly children: Node[];
}

interface Frame {
  readonly node: Node;
  readonly decl: ElementDecl;
  /** Index of the current particle of a sequence content model, and how often it matched. */
  particle: number;
  count: number;
}

const XML_SPACE_ONLY = /^[ \t\r\n]*$/;
const stripXmlSpace = (s: string): string => s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');

/** UTF-8 length of a string, stopping early once over `limit`. */
function utf8LengthOver(s: string, limit: number): boolean {
  if (s.length > limit) return true; // every UTF-16 unit takes at least one byte
  if (s.length * 3 <= limit) return false; // no UTF-16 unit takes more than three
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A surrogate pair is one 4-byte character: 2 bytes for each half.
    n += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 2 : 3;
    if (n > limit) return true;
  }
  return false;
}

function decode(input: string | Uint8Array, maxBytes: number): string {
  if (typeof input === 'string') {
    if (utf8LengthOver(input, maxBytes)) throw daticertError('DATICERT_TOO_LARGE', `more than ${maxBytes} bytes`);
    return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  }
  if (input.byteLength > maxBytes) {
    throw daticertError('DATICERT_TOO_LARGE', `${input.byteLength} bytes, more than ${maxBytes}`);
  }
  try {
    // fatal: invalid UTF-8 is an error, never U+FFFD; a leading BOM is dropped.
    return new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch (err) {
    throw daticertError('DATICERT_ENCODING', 'the bytes are not valid UTF-8', err);
  }
}

/** Parses and validates; returns the document element. */
function parseTree(xml: string, limits: DaticertLimits): Node {
  const parser = new SaxesParser({ xmlns: false, position: true, defaultXMLVersion: '1.0', forceXMLVersion: true });
  const stack: Frame[] = [];
  let root: Node | undefined;
  let elements = 0;
  // saxes reports a mismatched end tag only after emitting `closetag` for the element it
  // pops, so the content check of a closed element waits for the next event: a syntax error
  // then wins, and truncation is reported as such rather than as a missing child.
  let closing = false;
  const at = (): string => `line ${parser.line}`;
  const invalid = (msg: string): RecapitoError => daticertError('DATICERT_INVALID', `${msg} (${at()})`);

  const finishClose = (): void => {
    if (!closing) return;
    closing = false;
    const frame = stack.pop();
    if (!frame) return;
    checkComplete(frame, invalid);
    const parent = stack[stack.length - 1];
    if (parent) parent.node.children.push(frame.node);
    else root = frame.node;
  };

  parser.on('error', (err) => {
    const where = err.message.replace(/^(\d+):(\d+): /, 'line $1, column $2: ');
    throw daticertError('DATICERT_MALFORMED', where, err);
  });
  parser.on('xmldecl', (decl) => {
    if (decl.version !== undefined && decl.version !== '1.0') {
      throw daticertError('DATICERT_ENCODING', `XML version ${decl.version}; daticert.xml is XML 1.0`);
    }
    if (decl.encoding !== undefined && !/^utf-8$/i.test(decl.encoding)) {
      throw daticertError('DATICERT_ENCODING', `declared encoding ${decl.encoding}; daticert.xml is UTF-8`);
    }
  });
  parser.on('doctype', () => {
    throw daticertError('DATICERT_FORBIDDEN_DTD', `DOCTYPE declarations are not accepted (${at()})`);
  });
  parser.on('processinginstruction', (pi) => {
    throw daticertError('DATICERT_FORBIDDEN_PI', `processing instruction <?${pi.target.slice(0, 40)} ...?> (${at()})`);
  });
  parser.on('opentagstart', (tag) => {
    finishClose();
    if (++elements > limits.maxElements) {
      throw daticertError('DATICERT_TOO_MANY_ELEMENTS', `more than ${limits.maxElements} elements (${at()})`);
    }
    if (stack.length + 1 > limits.maxDepth) {
      throw daticertError('DATICERT_TOO_DEEP', `elements nested deeper than ${limits.maxDepth} (${at()})`);
    }
    const parent = stack[stack.length - 1];
    if (parent) acceptChild(parent, tag.name, invalid);
    else if (tag.name !== ROOT_ELEMENT) throw invalid(`document element is <${short(tag.name)}>, expected <${ROOT_ELEMENT}>`);
  });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const decl = DATICERT_GRAMMAR.get(tag.name);
    if (!decl) throw invalid(`unknown element <${short(tag.name)}>`); // unreachable: checked at opentagstart
    const node: Node = { name: tag.name, attributes: checkAttributes(tag, decl, invalid), text: '', children: [] };
    stack.push({ node, decl, particle: 0, count: 0 });
  });
  const onText = (text: string, cdata: boolean): void => {
    finishClose();
    const frame = stack[stack.length - 1];
    if (!frame) return; // whitespace around the document element; saxes refuses anything else
    if (frame.decl.content === 'text') frame.node.text += text;
    else if (frame.decl.content === 'empty' || cdata || !XML_SPACE_ONLY.test(text)) {
      const allowed = frame.decl.content === 'empty' ? 'is EMPTY' : 'may contain only elements';
      throw invalid(`<${frame.node.name}> ${allowed}, found text`);
    }
  };
  parser.on('text', (t) => onText(t, false));
  parser.on('cdata', (t) => onText(t, true));
  parser.on('comment', () => finishClose());
  parser.on('closetag', () => {
    finishClose();
    closing = true;
  });

  try {
    parser.write(xml).close();
  } catch (err) {
    if (err instanceof RecapitoError) throw err;
    // Defensive: saxes reports through the error handler; anything else is still malformed input.
    throw daticertError('DATICERT_MALFORMED', err instanceof Error ? err.message : String(err), err);
  }
  finishClose();
  if (!root) throw daticertError('DATICERT_MALFORMED', 'no document element');
  return root;
}

/** Names echoed in messages are cut short: they come from the attacker. */
function short(name: string): string {
  return name.length > 40 ? `${name.slice(0, 40)}...` : name;
}

function acceptChild(frame: Frame, child: string, invalid: (m: string) => RecapitoError): void {
  const parentName = frame.node.name;
  const model = frame.decl.content;
  if (!DATICERT_GRAMMAR.has(child)) throw invalid(`unknown element <${short(child)}> in <${parentName}>`);
  if (model === 'text' || model === 'empty') throw invalid(`<${parentName}> cannot contain elements, found <${child}>`);
  while (frame.particle < model.length) {
    const p = model[frame.particle] as Particle;
    if (p.name === child) {
      if (frame.count >= p.max) throw invalid(`<${parentName}> has more than one <${child}>`);
      frame.count++;
      return;
    }
    if (frame.count < p.min) throw invalid(`<${parentName}>: found <${child}> where <${p.name}> is required`);
    frame.particle++;
    frame.count = 0;
  }
  const expected = model.map((p) => p.name + (p.min === 0 ? (p.max > 1 ? '*' : '?') : p.max > 1 ? '+' : '')).join(', ');
  throw invalid(`<${child}> is not allowed here in <${parentName}> (expected order: ${expected})`);
}

function checkComplete(frame: Frame, invalid: (m: string) => RecapitoError): void {
  const model = frame.decl.content;
  if (model === 'text' || model === 'empty') return;
  for (let i = frame.particle; i < model.length; i++) {
    const p = model[i] as Particle;
    const seen = i === frame.particle ? frame.count : 0;
    if (seen < p.min) throw invalid(`<${frame.node.name}> lacks <${p.name}>`);
  }
}

function checkAttributes(tag: SaxesTagPlain, decl: ElementDecl, invalid: (m: string) => RecapitoError): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(tag.attributes)) {
    const a = decl.attributes.get(name);
    if (!a) throw invalid(`unknown attribute ${short(name)} on <${tag.name}>`);
    if (a.values && !a.values.includes(value)) {
      throw invalid(`<${tag.name}> ${name}="${short(value)}" is not one of ${a.values.join(', ')}`);
    }
    out.set(name, value);
  }
  for (const [name, a] of decl.attributes) {
    if (out.has(name)) continue;
    if (a.required) throw invalid(`<${tag.name}> lacks the required attribute ${name}`);
    if (a.default !== undefined) out.set(name, a.default);
  }
  return out;
}

/** The tree is DTD-valid here, so every lookup below is known to succeed. */
function toModel(root: Node): Daticert {
  const attr = (n: Node, name: string): string => n.attributes.get(name) ?? '';
  const token = (n: Node): string => stripXmlSpace(n.text);
  const [intestazione, dati] = root.children as [Node, Node];
  const d: Daticert = {
    tipo: attr(root, 'tipo') as DaticertTipo,
    errore: attr(root, 'errore') as DaticertErrore,
    mittente: '', destinatari: [], risposte: '', gestoreEmittente: '',
    data: { giorno: '', ora: '', zona: '' }, identificativo: '', ricezione: [],
  };
  for (const n of intestazione.children) {
    if (n.name === 'mittente') d.mittente = token(n);
    else if (n.name === 'destinatari') d.destinatari.push({ address: token(n), tipo: attr(n, 'tipo') as RecipientType });
    else if (n.name === 'risposte') d.risposte = token(n);
    else if (n.name === 'oggetto') d.oggetto = n.text;
  }
  for (const n of dati.children) {
    if (n.name === 'gestore-emittente') d.gestoreEmittente = token(n);
    else if (n.name === 'data') {
      const [giorno, ora] = n.children as [Node, Node];
      d.data = { giorno: token(giorno), ora: token(ora), zona: stripXmlSpace(attr(n, 'zona')) };
    } else if (n.name === 'identificativo') d.identificativo = token(n);
    else if (n.name === 'msgid') d.msgid = token(n);
    else if (n.name === 'ricevuta') d.ricevuta = attr(n, 'tipo') as ReceiptVariant;
    else if (n.name === 'consegna') d.consegna = token(n);
    else if (n.name === 'ricezione') d.ricezione.push(token(n));
    else if (n.name === 'errore-esteso') d.erroreEsteso = n.text;
  }
  return d;
}

/**
 * Reads daticert.xml (bytes as received, or already decoded text) into a model, refusing
 * anything that is not a well-formed, DTD-valid, UTF-8 daticert document.
 * @throws RecapitoError with a code of DATICERT_ERRORS (see daticert/errors.ts)
 */
export function readDaticert(xml: string | Uint8Array, limits: Partial<DaticertLimits> = {}): Daticert {
  const l: DaticertLimits = { ...DEFAULT_DATICERT_LIMITS, ...limits };
  const text = decode(xml, l.maxBytes);
  if (XML_SPACE_ONLY.test(text)) throw daticertError('DATICERT_EMPTY', 'the input is empty');
  const model = toModel(parseTree(text, l));
  validateDaticert(model);
  return model;
}
