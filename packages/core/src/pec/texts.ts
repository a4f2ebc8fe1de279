/**
 * Readable Italian bodies of generated messages (RFC 6109 §3 and Appendix A give the gist;
 * the wording follows the style of real providers). Informative only: machines must read
 * daticert.xml (RFC 6109 §4.3). Each body is a title plus paragraphs, rendered as text and as
 * an HTML alternative without any external or active content (RFC 6109 §4.3.1).
 */
import type { CertifiedRecipient } from './model.ts';

export interface BodyText {
  readonly title: string;
  readonly paragraphs: readonly string[];
}

/** `il giorno 23/11/2026 alle ore 10:00:00 (+0100)` from a formatted legal time. */
export function when(t: { giorno: string; ora: string; zona: string }): string {
  return `il giorno ${t.giorno} alle ore ${t.ora} (${t.zona})`;
}

export function recipientLines(recipients: readonly CertifiedRecipient[]): string {
  return recipients
    .map((r) => `${r.address} ("${r.type === 'certificato' ? 'posta certificata' : 'posta ordinaria'}")`)
    .join('\n');
}

export function renderText(body: BodyText): string {
  return `${body.title}\n\n${body.paragraphs.join('\n\n')}\n`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderHtml(body: BodyText): string {
  const paras = body.paragraphs
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>\n')}</p>`)
    .join('\n');
  return (
    '<!DOCTYPE html>\n<html lang="it"><head><meta charset="utf-8"><title>' +
    escapeHtml(body.title) +
    '</title></head>\n<body>\n<h3>' + escapeHtml(body.title) + '</h3>\n' + paras + '\n</body></html>\n'
  );
}
