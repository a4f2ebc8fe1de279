/**
 * Writes daticert.xml the way providers do (observed in Aruba, Namirial and Sogei files):
 * UTF-8, `<?xml version="1.0" encoding="UTF-8"?>`, no DOCTYPE, 4-space indentation, elements
 * in DTD order (RFC 6109 §4.4), `<ricevuta tipo="..." />` self-closing, both attributes of
 * `postacert` and `destinatari` always written even where the DTD has a default.
 */
import { validateDaticert } from './validate.ts';
import type { Daticert } from './model.ts';

const INDENT = '    ';

/**
 * Escapes character data (XML 1.0 §2.4). `>` is escaped too, so `]]>` can never appear; CR is
 * written as a reference because a parser turns a literal CR LF into LF (§2.11) and the value
 * would not come back unchanged.
 */
function escapeText(s: string): string {
  return s.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'));
}

/** Escapes an attribute value in double quotes; TAB, LF, CR as references (§3.3.3 normalisation). */
function escapeAttr(s: string): string {
  return s.replace(/[&<>"\t\n\r]/g, (c) => {
    switch (c) {
      case '&': return '&amp;';
      case '<': return '&lt;';
      case '>': return '&gt;';
      case '"': return '&quot;';
      default: return `&#${c.charCodeAt(0)};`;
    }
  });
}

function leaf(depth: number, name: string, value: string, attrs = ''): string {
  return `${INDENT.repeat(depth)}<${name}${attrs}>${escapeText(value)}</${name}>`;
}

/**
 * Serialises a model as daticert.xml text (encode it as UTF-8 for the MIME part). The model
 * is validated first (see {@link validateDaticert}; `msgid` must keep its angle brackets).
 * @throws RecapitoError `DATICERT_INVALID`, `DATICERT_BAD_TIME`, `DATICERT_INVALID_CHAR`
 */
export function writeDaticert(d: Daticert): string {
  validateDaticert(d, { requireMsgidBrackets: true });
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<postacert tipo="${escapeAttr(d.tipo)}" errore="${escapeAttr(d.errore)}">`);
  out.push(`${INDENT}<intestazione>`);
  out.push(leaf(2, 'mittente', d.mittente));
  for (const r of d.destinatari) out.push(leaf(2, 'destinatari', r.address, ` tipo="${escapeAttr(r.tipo)}"`));
  out.push(leaf(2, 'risposte', d.risposte));
  if (d.oggetto !== undefined) out.push(leaf(2, 'oggetto', d.oggetto));
  out.push(`${INDENT}</intestazione>`);
  out.push(`${INDENT}<dati>`);
  out.push(leaf(2, 'gestore-emittente', d.gestoreEmittente));
  out.push(`${INDENT.repeat(2)}<data zona="${escapeAttr(d.data.zona)}">`);
  out.push(leaf(3, 'giorno', d.data.giorno));
  out.push(leaf(3, 'ora', d.data.ora));
  out.push(`${INDENT.repeat(2)}</data>`);
  out.push(leaf(2, 'identificativo', d.identificativo));
  if (d.msgid !== undefined) out.push(leaf(2, 'msgid', d.msgid));
  if (d.ricevuta !== undefined) out.push(`${INDENT.repeat(2)}<ricevuta tipo="${escapeAttr(d.ricevuta)}" />`);
  if (d.consegna !== undefined) out.push(leaf(2, 'consegna', d.consegna));
  for (const r of d.ricezione) out.push(leaf(2, 'ricezione', r));
  if (d.erroreEsteso !== undefined) out.push(leaf(2, 'errore-esteso', d.erroreEsteso));
  out.push(`${INDENT}</dati>`);
  out.push('</postacert>');
  return `${out.join('\n')}\n`;
}
