/**
 * The values of FETCH data items for one message (RFC 3501 §7.4.2, RFC 3516 §4.2, RFC 7162
 * §3.1.4). Body data goes out as literals of the stored bytes (subarrays, never copies).
 */
import type { MessageView } from '../../message/index.ts';
import type { FetchItem, Partial, Section } from '../../protocol/types.ts';
import { formatDateTime, type WireValue } from '../../protocol/writer.ts';
import { ImapBackendError, type ImapMessage } from '../types.ts';

/** Items whose value needs the message bytes. */
export function needsBytes(item: FetchItem): boolean {
  return !['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'UID', 'MODSEQ'].includes(item.type);
}

/** Items answered from the header alone (RFC 3501 §6.4.5: ENVELOPE and the top-level header sections). */
export function needsOnlyHeader(item: FetchItem): boolean {
  if (item.type === 'ENVELOPE' || item.type === 'RFC822.HEADER') return true;
  return item.type === 'BODY[]' && item.section.part.length === 0 && item.section.text !== undefined
    && item.section.text.startsWith('HEADER') && !item.partial;
}

/** Items that set \Seen when the folder is writable (RFC 3501 §6.4.5). */
export function setsSeen(item: FetchItem): boolean {
  return (item.type === 'BODY[]' || item.type === 'BINARY') ? !item.peek : item.type === 'RFC822' || item.type === 'RFC822.TEXT';
}

function sectionName(s: Section): string {
  const parts = s.part.join('.');
  let text = s.text ?? '';
  if (s.fields) text += ` (${s.fields.join(' ')})`;
  return parts && text ? `${parts}.${text}` : parts || text;
}

function slice(bytes: Uint8Array, partial: Partial | undefined): Uint8Array {
  if (!partial) return bytes;
  if (partial.offset >= bytes.length) return bytes.subarray(0, 0);
  return bytes.subarray(partial.offset, Math.min(bytes.length, partial.offset + partial.length));
}

const flagList = (flags: readonly string[]): WireValue => flags.map((atom) => ({ atom }));

/** Appends `name value` pairs for one item to `out`. */
export function fetchItem(out: WireValue[], item: FetchItem, m: ImapMessage, view: () => MessageView, bytes: () => Uint8Array): void {
  switch (item.type) {
    case 'UID': out.push({ atom: 'UID' }, m.uid); return;
    case 'FLAGS': out.push({ atom: 'FLAGS' }, flagList(m.flags)); return;
    case 'INTERNALDATE': out.push({ atom: 'INTERNALDATE' }, formatDateTime(m.internalDate)); return;
    case 'RFC822.SIZE': out.push({ atom: 'RFC822.SIZE' }, m.size); return;
    case 'MODSEQ': out.push({ atom: 'MODSEQ' }, [m.modseq]); return;
    case 'ENVELOPE': out.push({ atom: 'ENVELOPE' }, view().envelope()); return;
    case 'BODYSTRUCTURE': out.push({ atom: 'BODYSTRUCTURE' }, view().bodyStructure(true)); return;
    case 'BODY': out.push({ atom: 'BODY' }, view().bodyStructure(false)); return;
    case 'RFC822': out.push({ atom: 'RFC822' }, bytes()); return;
    case 'RFC822.HEADER': out.push({ atom: 'RFC822.HEADER' }, view().section({ part: [], text: 'HEADER' })); return;
    case 'RFC822.TEXT': out.push({ atom: 'RFC822.TEXT' }, view().section({ part: [], text: 'TEXT' })); return;
    case 'BODY[]': {
      const data = item.section.part.length === 0 && !item.section.text ? bytes() : view().section(item.section);
      const origin = item.partial ? `<${item.partial.offset}>` : '';
      out.push({ atom: `BODY[${sectionName(item.section)}]${origin}` }, slice(data, item.partial));
      return;
    }
    case 'BINARY': {
      const data = view().binary(item.part);
      if (data === undefined) throw new ImapBackendError('CANNOT', 'unknown Content-Transfer-Encoding');
      const origin = item.partial ? `<${item.partial.offset}>` : '';
      out.push({ atom: `BINARY[${item.part.join('.')}]${origin}` }, slice(data, item.partial));
      return;
    }
    case 'BINARY.SIZE': {
      const size = view().binarySize(item.part);
      if (size === undefined) throw new ImapBackendError('CANNOT', 'unknown Content-Transfer-Encoding');
      out.push({ atom: `BINARY.SIZE[${item.part.join('.')}]` }, size);
      return;
    }
  }
}
