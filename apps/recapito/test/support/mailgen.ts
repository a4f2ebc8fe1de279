/**
 * Realistic test mailboxes for the migration tests and bench: deterministic (same seed and
 * options → same bytes, flags and dates), so a copy can be checked byte for byte. Mostly small
 * text messages, a long tail of attachments up to a few MB, PEC envelopes and receipts
 * (multipart/signed), 8-bit UTF-8 bodies, RFC 2047 subjects, RFC 2231 file names, messages
 * without Message-ID and exact duplicates (what migration tools stumble on), flags and keywords.
 * All lines end in CRLF, as IMAP servers store and return them.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ImapFlow } from 'imapflow';

export interface GeneratedMessage { folder: string; raw: Buffer; flags: string[]; internalDate: Date; sha256: string }
export interface MailgenOptions {
  seed: number;
  messages: number; // regular messages, duplicates included
  /** Total size wanted for the regular messages: attachment sizes are scaled to land near it. */
  targetBytes?: number;
  /** "/"-separated names (the test Dovecots use "/" as hierarchy delimiter). */
  folders?: string[];
  /** Extra messages of about bigBytes each, on top of `messages`. */
  bigMessages?: number;
  bigBytes?: number; // default 20 MiB
  noMessageIdRate?: number; // default 0.02
  duplicateRate?: number; // default 0.015
}

export const OWNER = 'utente@pec.example.test';
export const DEFAULT_FOLDERS = ['INBOX', 'Sent', 'Drafts', 'Trash', 'Junk', 'Archivio', 'Archivio/2019', 'Protocollo/2023',
  'Clienti/Società Rossi', 'Clienti/Bianchi & Figli'];
// Relative share of messages: most mail sits in INBOX, Sent and the archives.
const WEIGHT: Record<string, number> = { INBOX: 35, Sent: 15, Drafts: 1, Trash: 3, Junk: 2, Archivio: 10, 'Archivio/2019': 6, 'Protocollo/2023': 12 };
const KEYWORDS = ['$Forwarded', '$Label1', 'NonJunk', 'Protocollato'];
const MiB = 1 << 20;

/** mulberry32: tiny and fast; quality is ample for test data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
type Rnd = () => number;
const pick = <T>(r: Rnd, a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
const int = (r: Rnd, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const logUniform = (r: Rnd, lo: number, hi: number): number => Math.round(Math.exp(Math.log(lo) + r() * Math.log(hi / lo)));

const ASCII = ('fattura protocollo comunicazione notifica avviso pagamento contratto verbale delibera richiesta documentazione ' +
  'allegato scadenza pratica riunione ordine preventivo rinnovo convocazione istanza ricorso decreto offerta conferma ' +
  'trasmissione copia originale ufficio tecnico comune regione ministero agenzia entrate certificato dichiarazione ' +
  'il la di da in con su per tra e o ma che non si come quando dove anche sempre cordiali saluti gentile avvocato').split(' ');
const ACCENTED = 'città attività società perché più già così lunedì venerdì necessità qualità è sarà potrà dovrà università'.split(' ');
const PEOPLE = ['Mario Rossi', 'Giulia Bianchi', 'Niccolò Ferri', 'Anna Romano', 'Lucía Conti', 'Ufficio Protocollo', 'Servizio Tributi'];
const HOSTS = ['pec.comune.example.it', 'pec.studio.example.it', 'legalmail.example.it', 'pec.impresa.example.com'];
const TYPES: readonly [string, string][] = [['application/pdf', 'pdf'], ['image/jpeg', 'jpg'], ['application/pkcs7-mime', 'p7m'],
  ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'docx'], ['application/zip', 'zip']];

/** Words joined into lines of 40–76 characters, CRLF-terminated, about `size` bytes. */
function prose(r: Rnd, size: number, eightBit: boolean): string {
  const lines: string[] = [];
  for (let n = 0; n < size;) {
    let line = '';
    const width = int(r, 40, 72);
    while (line.length < width) line += (line ? ' ' : '') + (eightBit && r() < 0.12 ? pick(r, ACCENTED) : pick(r, ASCII));
    if (r() < 0.08) line = '';
    lines.push(line);
    n += Buffer.byteLength(line) + 2;
  }
  return lines.join('\r\n') + '\r\n';
}

/** Deterministic incompressible bytes (AES-CTR keystream): fast even for hundreds of MB. */
function noise(key: string, n: number): Buffer {
  const k = createHash('sha256').update(key).digest().subarray(0, 16);
  return createCipheriv('aes-128-ctr', k, Buffer.alloc(16)).update(Buffer.alloc(n));
}

/** Base64 in 76-character CRLF lines (RFC 2045 §6.8), built in place: no per-line strings. */
function base64Lines(raw: Buffer): Buffer {
  const b64 = Buffer.from(raw.toString('base64'), 'latin1');
  const lines = Math.ceil(b64.length / 76);
  const out = Buffer.allocUnsafe(b64.length + 2 * lines);
  for (let s = 0, o = 0; s < b64.length; s += 76) {
    o += b64.copy(out, o, s, Math.min(s + 76, b64.length));
    o = out.writeUInt16BE(0x0d0a, o);
  }
  return out;
}

/** RFC 2047 B-encoded words (≤ 75 characters each, folded), only when the text needs them. */
function encodedWords(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  const words: string[] = [];
  let chunk = '';
  // 45 UTF-8 bytes make 60 base64 characters: with the 12 of the markers, under 75.
  for (const ch of text) {
    if (Buffer.byteLength(chunk + ch) > 45) { words.push(chunk); chunk = ''; }
    chunk += ch;
  }
  words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join('\r\n ');
}

// "Sat, 03 Apr 2019 14:23:47 GMT" is RFC 5322 syntax once the zone is numeric.
const rfc5322 = (d: Date): string => d.toUTCString().replace('GMT', '+0000');
const address = (name: string, host: string): string =>
  `${encodedWords(name)} <${name.normalize('NFD').replace(/[^A-Za-z ]/g, '').toLowerCase().replace(/ +/g, '.')}@${host}>`;

type Kind = 'text' | 'attach' | 'pec' | 'receipt' | 'big';
interface Plan { folder: string; kind: Kind; date: Date; flags: string[]; text: number; attach: number[]; eightBit: boolean; noId: boolean }

function flagsFor(r: Rnd, folder: string): string[] {
  const f = new Set<string>();
  if (folder === 'Drafts') f.add('\\Draft');
  if (folder !== 'Drafts' && (folder !== 'INBOX' || r() < 0.75)) f.add('\\Seen');
  if (f.has('\\Seen') && folder !== 'Sent' && r() < 0.15) f.add('\\Answered');
  if (r() < 0.05) f.add('\\Flagged');
  if (folder === 'Trash' && r() < 0.3) f.add('\\Deleted');
  if (folder.startsWith('Protocollo') && r() < 0.6) f.add('Protocollato');
  if (r() < 0.1) f.add(pick(r, KEYWORDS));
  return [...f].sort();
}

function planMessage(r: Rnd, folder: string, o: MailgenOptions): Plan {
  const year = /\b(20\d\d)\b/.exec(folder)?.[1];
  const from = year ? Date.UTC(Number(year), 0, 1) : Date.UTC(2019, 0, 1);
  const span = year ? 365 * 86400e3 : 6.5 * 365 * 86400e3;
  const date = new Date(Math.floor((from + r() * span) / 1000) * 1000);
  const u = r();
  const pec = folder !== 'Drafts' && folder !== 'Sent' && u < 0.08;
  const kind: Kind = pec ? (r() < 0.5 ? 'pec' : 'receipt') : u < 0.62 ? 'text' : 'attach';
  const attach: number[] = [];
  if (kind === 'attach' || kind === 'pec') {
    const v = r();
    // Mostly small documents, a tail of scans and archives of a few MB.
    const size = v < 0.6 ? logUniform(r, 8e3, 90e3) : v < 0.93 ? logUniform(r, 90e3, 700e3) : logUniform(r, 700e3, 4e6);
    const count = kind === 'pec' ? 1 : int(r, 1, 3);
    for (let k = 0; k < count; k++) attach.push(Math.round(size / count));
  }
  return { folder, kind, date, flags: flagsFor(r, folder), text: logUniform(r, 300, 9000), attach, eightBit: r() < 0.3,
    noId: r() < (o.noMessageIdRate ?? 0.02) };
}

const encodedSize = (raw: number): number => Math.ceil(raw / 57) * 78;

/** One message from its plan; `scale` multiplies attachment sizes (targetBytes). */
function build(p: Plan, i: number, seed: number, scale: number): Buffer {
  const r = prng(seed ^ Math.imul(i + 1, 0x9e3779b1));
  const host = pick(r, HOSTS);
  const outgoing = p.folder === 'Sent' || p.folder === 'Drafts';
  const other = address(pick(r, PEOPLE), host);
  const me = `Utente PEC <${OWNER}>`;
  let subject = Array.from({ length: int(r, 3, 7) }, () => (p.eightBit && r() < 0.3 ? pick(r, ACCENTED) : pick(r, ASCII))).join(' ');
  subject = `${r() < 0.2 ? 'Re: ' : ''}${subject} n. ${int(r, 100, 9999)}/${p.date.getUTCFullYear()}`;
  if (p.kind === 'pec') subject = `POSTA CERTIFICATA: ${subject}`;
  if (p.kind === 'receipt') subject = `ACCETTAZIONE: ${subject}`;
  const head: string[] = [];
  if (!outgoing) {
    const at = rfc5322(new Date(p.date.getTime() - int(r, 1, 90) * 1000));
    head.push(`Return-Path: <${p.kind === 'receipt' ? 'posta-certificata' : 'mittente'}@${host}>`,
      `Received: from mx.${host} (mx.${host} [192.0.2.${int(r, 1, 254)}])\r\n\tby pec.example.test with ESMTPS id ${i.toString(36)}; ${at}`);
  }
  head.push(`Date: ${rfc5322(p.date)}`, `From: ${outgoing ? me : p.kind === 'receipt' ? `posta-certificata@${host}` : other}`,
    `To: ${outgoing ? other : me}`, `Subject: ${encodedWords(subject)}`);
  if (!p.noId) head.push(`Message-ID: <${p.date.getTime().toString(36)}.${i}.${seed}@${outgoing ? 'pec.example.test' : host}>`);
  if (p.kind === 'pec') head.push('X-Trasporto: posta-certificata');
  if (p.kind === 'receipt') head.push('X-Ricevuta: accettazione');
  head.push('MIME-Version: 1.0');
  const cte = p.eightBit ? '8bit' : '7bit';
  const textPart = (size: number): Buffer => Buffer.from(`Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: ${cte}\r\n\r\n${prose(r, size, p.eightBit)}`);
  const attachPart = (raw: number, k: number): Buffer => {
    const [type, ext] = pick(r, TYPES);
    const base = r() < 0.25 ? `Relazione attività ${k + 1}` : `${pick(r, ASCII)}_${k + 1}`;
    // Non-ASCII file names in RFC 2231 form, as current mail clients write them.
    const fn = /^[\x20-\x7e]*$/.test(base) ? `filename="${base}.${ext}"` : `filename*=utf-8''${encodeURIComponent(`${base}.${ext}`)}`;
    return Buffer.concat([Buffer.from(`Content-Type: ${type}\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; ${fn}\r\n\r\n`),
      base64Lines(noise(`${seed}/${i}/${k}`, raw))]);
  };
  const multipart = (type: string, parts: Buffer[], extra = ''): { head: string; body: Buffer } => {
    const b = `----=_Part_${i}_${int(r, 1e8, 9e8)}`;
    const chunks: Buffer[] = [Buffer.from('This is a multi-part message in MIME format.\r\n')];
    for (const part of parts) chunks.push(Buffer.from(`--${b}\r\n`), part, Buffer.from('\r\n'));
    chunks.push(Buffer.from(`--${b}--\r\n`));
    return { head: `Content-Type: multipart/${type};${extra} boundary="${b}"`, body: Buffer.concat(chunks) };
  };
  const sizes = p.attach.map((a) => (p.kind === 'big' ? a : Math.max(200, Math.round(a * scale))));
  let top: { head: string; body: Buffer };
  if (p.kind === 'text') {
    top = { head: `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: ${cte}`, body: Buffer.from(prose(r, p.text, p.eightBit)) };
  } else if (p.kind === 'attach' || p.kind === 'big') {
    top = multipart('mixed', [textPart(Math.min(p.text, 2500)), ...sizes.map(attachPart)]);
  } else {
    const id = `<${int(r, 1e6, 9e6)}.${i}@${host}>`;
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\r\n<postacert tipo="${p.kind === 'pec' ? 'posta-certificata' : 'accettazione'}" errore="nessuno">\r\n` +
      `  <intestazione><mittente>mittente@${host}</mittente><destinatari tipo="certificato">${OWNER}</destinatari></intestazione>\r\n` +
      `  <dati><gestore-emittente>Gestore Esempio S.p.A.</gestore-emittente><msgid>${id}</msgid></dati>\r\n</postacert>\r\n`;
    const parts = [textPart(600), Buffer.from(`Content-Type: application/xml; name="daticert.xml"\r\nContent-Disposition: inline; filename="daticert.xml"\r\n\r\n${xml}`)];
    if (p.kind === 'pec') {
      const inner = multipart('mixed', [textPart(p.text), ...sizes.map(attachPart)]);
      parts.push(Buffer.concat([Buffer.from('Content-Type: message/rfc822; name="postacert.eml"\r\nContent-Disposition: inline; filename="postacert.eml"\r\n\r\n' +
        `Date: ${rfc5322(p.date)}\r\nFrom: ${other}\r\nTo: ${me}\r\nSubject: ${encodedWords(subject.slice('POSTA CERTIFICATA: '.length))}\r\nMessage-ID: ${id}\r\nMIME-Version: 1.0\r\n${inner.head}\r\n\r\n`), inner.body]));
    }
    const mixed = multipart('mixed', parts);
    // The signature is junk: nothing here verifies it, only its structure matters for a copy.
    const sig = Buffer.concat([Buffer.from('Content-Type: application/pkcs7-signature; name="smime.p7s"\r\nContent-Transfer-Encoding: base64\r\n' +
      'Content-Disposition: attachment; filename="smime.p7s"\r\n\r\n'), base64Lines(noise(`${seed}/${i}/sig`, int(r, 2500, 6000)))]);
    top = multipart('signed', [Buffer.concat([Buffer.from(`${mixed.head}\r\n\r\n`), mixed.body]), sig], ' protocol="application/pkcs7-signature"; micalg=sha-256;');
  }
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n${top.head}\r\n\r\n`), top.body]);
}

export function generateMailbox(o: MailgenOptions): GeneratedMessage[] {
  const r = prng(o.seed), folders = o.folders ?? DEFAULT_FOLDERS;
  const weights = folders.map((f) => WEIGHT[f] ?? 5);
  const total = weights.reduce((a, b) => a + b, 0);
  const folderOf = (): string => {
    let x = r() * total;
    for (let k = 0; k < folders.length; k++) if ((x -= weights[k]!) < 0) return folders[k]!;
    return folders[0]!;
  };
  const dups = Math.round(o.messages * (o.duplicateRate ?? 0.015));
  const plans: Plan[] = Array.from({ length: o.messages - dups }, () => planMessage(r, folderOf(), o));
  const bigBytes = o.bigBytes ?? 20 * MiB;
  for (let k = 0; k < (o.bigMessages ?? 0); k++) {
    const p = planMessage(r, folderOf(), o);
    plans.push({ ...p, kind: 'big', attach: [Math.floor((bigBytes - 4000) * 57 / 78)] });
  }
  // UIDs follow arrival, so dates grow within each folder as on a real server.
  plans.sort((a, b) => a.date.getTime() - b.date.getTime());
  let scale = 1;
  if (o.targetBytes !== undefined) {
    const regular = plans.filter((p) => p.kind !== 'big');
    const fixed = regular.reduce((s, p) => s + 1500 + p.text + (p.kind === 'pec' || p.kind === 'receipt' ? 6500 : 0) + 200 * p.attach.length, 0);
    const scalable = regular.reduce((s, p) => s + p.attach.reduce((a, b) => a + encodedSize(b), 0), 0);
    // The duplicates copy regular messages: the plans are that share of the target.
    const want = o.targetBytes * regular.length / Math.max(1, o.messages);
    if (scalable > 0) scale = Math.min(50, Math.max(0.001, (want - fixed) / scalable));
  }
  const out = plans.map((p, i): GeneratedMessage => {
    const raw = build(p, i, o.seed, scale);
    return { folder: p.folder, raw, flags: p.flags, internalDate: p.date, sha256: createHash('sha256').update(raw).digest('hex') };
  });
  // Exact duplicates (a message delivered twice), right after their original, same folder.
  for (let k = 0; k < dups && out.length > 0; k++) {
    const at = Math.floor(r() * out.length);
    out.splice(at + 1, 0, { ...out[at]!, flags: [...out[at]!.flags] });
  }
  return out;
}

export interface ImapTarget { host: string; port: number; user: string; password: string; secure?: boolean; caFile?: string }

/** An imapflow session: STARTTLS when the server offers it (verified with caFile when given). */
export async function openImap(t: ImapTarget): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: t.host, port: t.port, secure: t.secure ?? false, auth: { user: t.user, pass: t.password }, logger: false,
    disableAutoIdle: true, tls: t.caFile ? { ca: readFileSync(t.caFile), servername: 'localhost' } : { rejectUnauthorized: false },
  });
  // Without a listener, a dropped socket would crash the process instead of failing the call.
  client.on('error', () => { /* surfaced by the pending command */ });
  await client.connect();
  return client;
}

/** Creates the folders and APPENDs every message (flags, INTERNALDATE), one folder per connection at a time. */
export async function uploadMailbox(target: ImapTarget, messages: GeneratedMessage[], opts: { connections?: number } = {}): Promise<void> {
  const byFolder = new Map<string, GeneratedMessage[]>();
  for (const m of messages) byFolder.set(m.folder, [...(byFolder.get(m.folder) ?? []), m]);
  const first = await openImap(target);
  try {
    for (const f of [...byFolder.keys()].sort().filter((x) => x.toUpperCase() !== 'INBOX')) {
      await first.mailboxCreate(f).catch((e: unknown) => {
        if (!/exist/i.test(String((e as { responseText?: string }).responseText ?? e))) throw e;
      });
    }
  } finally {
    await first.logout().catch(() => first.close());
  }
  const bytes = (f: string): number => byFolder.get(f)!.reduce((s, m) => s + m.raw.length, 0);
  const queue = [...byFolder.keys()].sort((a, b) => bytes(b) - bytes(a));
  const worker = async (): Promise<void> => {
    const c = await openImap(target);
    try {
      for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
        // imapflow drops APPEND flags the selected folder's PERMANENTFLAGS do not list.
        await c.mailboxOpen(f);
        for (const m of byFolder.get(f)!) {
          if (!(await c.append(f, m.raw, m.flags, m.internalDate))) throw new Error(`APPEND to ${f} failed`);
        }
      }
    } finally {
      await c.logout().catch(() => c.close());
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.connections ?? 4, queue.length) }, worker));
}
