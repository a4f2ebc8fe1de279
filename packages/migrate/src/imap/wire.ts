/** Small pieces of IMAP syntax the endpoint needs beyond what imapflow builds. */

/** Sorted UIDs as a compact sequence set (RFC 3501 §9 `sequence-set`): 1:3,7,9:10. */
export function sequenceSet(uids: readonly number[]): string {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * The Message-ID from a BODY[HEADER.FIELDS (MESSAGE-ID)] answer: unfolded (RFC 5322 §2.2.3),
 * trimmed; null when absent or empty. Decoded as Latin-1 so that no byte is ever rejected.
 */
export function messageIdOf(headers: Uint8Array | undefined): string | null {
  if (!headers) return null;
  const text = Buffer.from(headers.buffer, headers.byteOffset, headers.byteLength).toString('latin1').replace(/\r?\n(?=[ \t])/g, '');
  const m = /^message-id[ \t]*:(.*)$/im.exec(text);
  const id = m ? m[1]!.trim() : '';
  return id === '' ? null : id;
}
