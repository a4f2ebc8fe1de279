/**
 * The benchmark mailbox: N deterministic, realistic messages (seeded PRNG, so every run and
 * both servers get the same bytes, flags and internal dates). Mostly text/plain and
 * multipart/mixed with small base64 attachments, 2–60 KB (log-uniform), a few of 1–2 MB;
 * \Seen on ~70 %, \Flagged ~5 %, \Answered ~10 %, some keywords.
 */

export const DOMAIN = 'pec.bench.test';
export const USER = `utente@${DOMAIN}`;

/** A word that appears in the subject of a few percent of the messages (for SEARCH). */
export const SEARCH_WORD = 'sollecito';

export interface BenchMessage {
  readonly bytes: Buffer;
  readonly flags: readonly string[];
  readonly date: Date;
}

/** mulberry32: small, fast, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'fattura protocollo comunicazione notifica avviso pagamento contratto verbale delibera richiesta ' +
  'documentazione allegato scadenza pratica riunione ordine preventivo rinnovo convocazione ' +
  'istanza ricorso decreto determina bando gara offerta conferma trasmissione copia originale ' +
  'ufficio tecnico amministrazione comune regione ministero agenzia entrate tributi cartella ' +
  'iscrizione certificato attestazione dichiarazione integrazione rettifica sospensione accesso ' +
  'atti relazione progetto esecutivo lavori collaudo fornitura servizio manutenzione importo euro ' +
  'gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre ' +
  'il la lo di da in con su per tra fra e o ma che non si come quando dove anche ancora sempre ' +
  'cordiali saluti gentile dottore avvocato ingegnere geometra spettabile egregio responsabile'
).split(' ');
const SUBJECT_WORDS = WORDS.slice(0, 70);
const NAMES = ['Mario Rossi', 'Giulia Bianchi', 'Luca Esposito', 'Anna Romano', 'Marco Colombo', 'Sara Ricci',
  'Paolo Marino', 'Elena Greco', 'Ufficio Protocollo', 'Servizio Tributi', 'Studio Legale Ferri', 'Impresa Edile Conti'];
const HOSTS = ['pec.comune.example.it', 'pec.studio.example.it', 'legalmail.example.it', 'pec.impresa.example.com', 'pec.regione.example.it'];
const ATTACHMENTS: readonly [string, string][] = [['application/pdf', 'pdf'], ['application/xml', 'xml'], ['image/jpeg', 'jpg'],
  ['application/pkcs7-mime', 'p7m'], ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'docx']];
const KEYWORDS = ['$Forwarded', '$Label1', 'Fatture', 'Urgente', 'Archiviato'];

/** Shared pools sliced by the messages: plain text (CRLF lines) and random bytes. */
let pools: { text: string; bytes: Buffer } | undefined;
function pool(): { text: string; bytes: Buffer } {
  if (pools) return pools;
  const r = prng(0x5eed);
  const lines: string[] = [];
  let size = 0;
  while (size < 1 << 20) {
    let line = '';
    const width = 40 + Math.floor(r() * 36);
    while (line.length < width) line += (line ? ' ' : '') + WORDS[Math.floor(r() * WORDS.length)];
    if (r() < 0.08) line = '';
    lines.push(line);
    size += line.length + 2;
  }
  const text = lines.join('\r\n') + '\r\n';
  const bytes = Buffer.alloc(3 << 20);
  for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE(Math.floor(r() * 4294967296), i);
  pools = { text: text + text, bytes };
  return pools;
}

/** About `size` bytes of text, whole lines. */
function text(r: () => number, size: number): string {
  const p = pool().text;
  const half = p.length / 2;
  const want = Math.min(size, half - 200);
  let start = Math.floor(r() * half);
  start = p.indexOf('\r\n', start) + 2;
  const end = p.indexOf('\r\n', start + Math.max(0, want - 2)) + 2;
  return p.slice(start, end);
}

function base64(r: () => number, raw: number): string {
  const b = pool().bytes;
  const n = Math.min(raw, b.length - 1);
  const off = Math.floor(r() * (b.length - n));
  const s = b.subarray(off, off + n).toString('base64');
  const out: string[] = [];
  for (let i = 0; i < s.length; i += 76) out.push(s.slice(i, i + 76));
  return out.join('\r\n') + '\r\n';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const two = (n: number): string => String(n).padStart(2, '0');
const clock = (d: Date): string => `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;

/** RFC 5322 Date header value. */
export function rfc5322Date(d: Date): string {
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${clock(d)} +0000`;
}

/** IMAP date-time (RFC 3501 §9) for APPEND. */
export function imapDate(d: Date): string {
  return `${two(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${clock(d)} +0000`;
}

const pick = <T>(r: () => number, a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
const START = Date.UTC(2024, 0, 2, 8, 0, 0);
const SPAN = 2 * 365 * 24 * 3600 * 1000;

/** Message `i` (0-based) of a mailbox of `n`: a pure function of (seed, n, i). */
export function message(seed: number, n: number, i: number): BenchMessage {
  const r = prng((seed * 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b));
  const date = new Date(START + Math.floor((i / n) * SPAN) + Math.floor(r() * 3600_000));
  const big = r() < 0.004;
  const size = big ? (1 + r()) * (1 << 20) : Math.exp(Math.log(2048) + r() * Math.log(30));
  const multipart = big || (size > 4096 && r() < 0.45);
  const words = Array.from({ length: 3 + Math.floor(r() * 5) }, () => pick(r, SUBJECT_WORDS));
  if (r() < 0.04) words.unshift(SEARCH_WORD);
  const subject = `${r() < 0.15 ? 'Re: ' : ''}${words.join(' ')} n. ${1000 + Math.floor(r() * 9000)}/${date.getUTCFullYear()}`;
  const sender = pick(r, NAMES);
  const host = pick(r, HOSTS);
  const local = sender.toLowerCase().replace(/[^a-z]+/g, '.');
  const head = [
    `Received: from mx${Math.floor(r() * 9)}.${host} (mx.${host} [192.0.2.${Math.floor(r() * 250) + 1}])\r\n\tby pec.bench.test with ESMTPS; ${rfc5322Date(date)}`,
    `Date: ${rfc5322Date(date)}`,
    `From: "${sender}" <${local}@${host}>`,
    `To: ${USER}`,
    `Subject: ${subject}`,
    `Message-ID: <${i}.${seed}.${Math.floor(r() * 1e9)}@${host}>`,
    'MIME-Version: 1.0',
  ];
  let body: string;
  if (!multipart) {
    head.push('Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 7bit');
    body = text(r, size - 700);
  } else {
    const boundary = `----=_Part_${i}_${Math.floor(r() * 1e9)}`;
    head.push(`Content-Type: multipart/mixed; boundary="${boundary}"`);
    const parts: string[] = ['This is a multi-part message in MIME format.\r\n'];
    const textSize = Math.min(4000, Math.floor(size * 0.2));
    parts.push(`--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n${text(r, textSize)}`);
    const count = big ? 1 : 1 + Math.floor(r() * 2);
    const rest = Math.max(300, size - textSize - 900 - 250 * count);
    for (let k = 0; k < count; k++) {
      const [type, ext] = pick(r, ATTACHMENTS);
      const name = `${pick(r, SUBJECT_WORDS)}_${k + 1}.${ext}`;
      parts.push(`--${boundary}\r\nContent-Type: ${type}; name="${name}"\r\nContent-Transfer-Encoding: base64\r\n` +
        `Content-Disposition: attachment; filename="${name}"\r\n\r\n${base64(r, Math.floor((rest / count) * 0.75))}`);
    }
    parts.push(`--${boundary}--\r\n`);
    body = parts.join('');
  }
  const flags: string[] = [];
  const seen = r() < 0.7;
  if (seen) flags.push('\\Seen');
  if (seen && r() < 0.14) flags.push('\\Answered');
  if (r() < 0.05) flags.push('\\Flagged');
  if (r() < 0.12) flags.push(pick(r, KEYWORDS));
  return { bytes: Buffer.from(`${head.join('\r\n')}\r\n\r\n${body}`, 'latin1'), flags, date };
}
