/**
 * Lists the IMAP grammar writes without separators. RFC 3501 §9 has `body-type-mpart =
 * 1*body SP media-subtype` and `env-from = "(" 1*address ")"`: the bodies of a multipart and
 * the addresses of a list follow each other with no space ("SP refers to exactly one space …
 * NOT permitted to … insert additional spaces"). The writer puts SP between the elements of a
 * list, so such runs are written here and passed on as one pre-serialized atom.
 */
import { serialize, type WireAtom, type WireValue } from '../protocol/writer.ts';

/**
 * The values written one after the other, as an atom. Strings that cannot be quoted become
 * literals (the writer's default rules, without UTF8=ACCEPT): the text is the writer's own
 * UTF-8 output, so decoding and re-encoding it gives back the same octets.
 */
export function adjacent(values: readonly WireValue[]): WireAtom {
  return { atom: values.map((v) => Buffer.concat(serialize([v])).toString('utf8')).join('') };
}
