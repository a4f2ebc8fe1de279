/**
 * The scan's FETCH answers on the data path: `* n FETCH (UID u FLAGS (...) INTERNALDATE "..."
 * RFC822.SIZE s)` (RFC 3501 §7.4.2), items in any order and possibly spread over several
 * answers for one message (a server may send a flag change on its own), merged by UID.
 */
import { MigrateError } from '../../errors.ts';
import type { SourceMessage } from '../endpoint.ts';

interface Partial { flags?: string[]; internalDate?: Date; size?: number }

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** RFC 3501 date-time: `dd-Mon-yyyy hh:mm:ss +zzzz`, the day possibly space-padded. */
export function parseImapDate(text: string): Date | null {
  const m = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  if (!m) return null;
  const month = MONTHS.indexOf(m[2]!.toLowerCase());
  if (month < 0) return null;
  const offsetMin = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
  const ms = Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) - offsetMin * 60_000;
  return Number.isFinite(ms) ? new Date(ms) : null;
}

export class FetchMetaCollector {
  readonly #byUid = new Map<number, Partial>();

  /** Takes one untagged answer (lines joined); anything but a FETCH with a UID is ignored. */
  take(line: string): void {
    if (!/^\* \d+ FETCH \(/i.test(line)) return;
    // The flag list first, so that a keyword cannot pass for another item.
    const flags = /\bFLAGS \(([^)]*)\)/i.exec(line);
    const rest = flags ? line.slice(0, flags.index) + line.slice(flags.index + flags[0].length) : line;
    const uid = /\bUID (\d+)/i.exec(rest);
    if (!uid) return;
    const p = this.#byUid.get(Number(uid[1])) ?? {};
    if (flags) p.flags = flags[1]!.split(' ').filter((f) => f !== '' && f.toLowerCase() !== '\\recent');
    const date = /\bINTERNALDATE "([^"]*)"/i.exec(rest);
    if (date) p.internalDate = parseImapDate(date[1]!) ?? undefined;
    const size = /\bRFC822\.SIZE (\d+)/i.exec(rest);
    if (size) p.size = Number(size[1]);
    this.#byUid.set(Number(uid[1]), p);
  }

  /** The messages by UID ascending; a message the server did not fully describe is an error. */
  messages(folder: string): SourceMessage[] {
    const out: SourceMessage[] = [];
    for (const [uid, p] of this.#byUid) {
      if (p.size === undefined || p.internalDate === undefined) {
        throw new MigrateError('IMAP_COMMAND_FAILED', `UID FETCH ${folder}: UID ${uid} came without RFC822.SIZE or a valid INTERNALDATE`);
      }
      out.push({ uid, size: p.size, flags: p.flags ?? [], internalDate: p.internalDate, messageId: null });
    }
    return out.sort((a, b) => a.uid - b.uid);
  }
}
