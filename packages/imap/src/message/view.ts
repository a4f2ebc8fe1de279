/**
 * One stored message as the IMAP server sees it: ENVELOPE, BODY/BODYSTRUCTURE, BODY[section],
 * BINARY[part] and what SEARCH needs, all computed from the stored bytes (CRLF line ends;
 * bare LF tolerated) and served from them byte for byte.
 *
 * Parsing is lazy and done at most once: the top-level header alone serves ENVELOPE, HEADER
 * sections and the sent date; the part tree is built on the first request that needs it;
 * decoded search text only when a text search asks for it. Nothing throws on hostile input:
 * past the limits (limits.ts), parts are reported as opaque and headers as bytes only.
 */
import type { HeaderField } from '@recapito/core';
import type { Section } from '../protocol/types.ts';
import type { WireValue } from '../protocol/writer.ts';
import { decodeTransfer, decodedSize } from './binary.ts';
import { bodyStructure } from './body-structure.ts';
import { parseHeaderDate, type HeaderDate } from './dates.ts';
import { envelope } from './envelope.ts';
import { messageLimits, type MessageLimits } from './limits.ts';
import { bodyText, decodedValue, headerText } from './search-text.ts';
import { EMPTY, resolvePart, sectionBytes } from './section.ts';
import { buildTree, readHeaders, type Part } from './tree.ts';

export interface MessageViewOptions {
  /** Overrides of {@link DEFAULT_MESSAGE_LIMITS}. */
  limits?: Partial<MessageLimits>;
}

interface RootHeader {
  readonly start: number;
  readonly bodyStart: number;
  readonly end: number;
  readonly headers: HeaderField[];
}

export class MessageView {
  /** The stored bytes, viewed as a Buffer without copying. */
  private readonly src: Buffer;
  private readonly limits: MessageLimits;
  private header?: RootHeader;
  private tree?: Part;
  private cache: {
    envelope?: WireValue; body?: WireValue; bodystructure?: WireValue;
    sent?: HeaderDate | null; headerText?: string; bodyText?: string;
  } = {};

  constructor(bytes: Uint8Array, options: MessageViewOptions = {}) {
    this.src = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.limits = messageLimits(options.limits);
  }

  /** RFC822.SIZE: the size of the stored message in octets. */
  get size(): number {
    return this.src.length;
  }

  /** The whole message (BODY[], RFC822), the stored bytes themselves. */
  get bytes(): Uint8Array {
    return this.src;
  }

  private rootHeader(): RootHeader {
    if (!this.header) {
      const { fields, bodyStart } = readHeaders(this.src, 0, this.src.length, this.limits);
      this.header = { start: 0, bodyStart, end: this.src.length, headers: fields };
    }
    return this.header;
  }

  private root(): Part {
    if (!this.tree) {
      const h = this.rootHeader();
      this.tree = buildTree(this.src, this.limits, { fields: h.headers, bodyStart: h.bodyStart });
    }
    return this.tree;
  }

  /** ENVELOPE (RFC 3501 §7.4.2). */
  envelope(): WireValue {
    return (this.cache.envelope ??= envelope(this.rootHeader().headers));
  }

  /** BODYSTRUCTURE when `extensible`, else BODY (RFC 3501 §7.4.2). */
  bodyStructure(extensible: boolean): WireValue {
    if (extensible) return (this.cache.bodystructure ??= bodyStructure(this.src, this.root(), true));
    return (this.cache.body ??= bodyStructure(this.src, this.root(), false));
  }

  /**
   * The octets of BODY[section] (RFC 3501 §6.4.5), a subarray of the stored bytes except for
   * HEADER.FIELDS(.NOT). A part that does not exist gives an empty array (as Dovecot does).
   */
  section(section: Section): Uint8Array {
    return sectionBytes(this.src, section, () => this.root(), () => this.rootHeader());
  }

  /**
   * BINARY[part] (RFC 3516 §4.2): the part's content with its transfer encoding removed.
   * `[]` is the whole message; a part that does not exist gives an empty array; undefined when
   * the transfer encoding is unknown (the server answers NO [UNKNOWN-CTE], RFC 3516 §4.3).
   */
  binary(part: number[]): Uint8Array | undefined {
    if (part.length === 0) return this.src;
    const p = resolvePart(this.root(), part);
    if (!p) return EMPTY;
    return decodeTransfer(this.src.subarray(p.bodyStart, p.end), p.encoding);
  }

  /** BINARY.SIZE[part] (RFC 3516 §4.2), counted without decoding; same cases as {@link binary}. */
  binarySize(part: number[]): number | undefined {
    if (part.length === 0) return this.src.length;
    const p = resolvePart(this.root(), part);
    if (!p) return 0;
    return decodedSize(this.src.subarray(p.bodyStart, p.end), p.encoding);
  }

  /** The first Date header with its own zone, or undefined when absent or unreadable. */
  sentDateWithZone(): HeaderDate | undefined {
    if (this.cache.sent === undefined) {
      const value = this.headerValues('date')[0];
      this.cache.sent = (value === undefined ? undefined : parseHeaderDate(value)) ?? null;
    }
    return this.cache.sent ?? undefined;
  }

  /** The Date header as an instant (RFC 5322 §3.3), for SENTBEFORE/SENTON/SENTSINCE. */
  sentDate(): Date | undefined {
    return this.sentDateWithZone()?.date;
  }

  /** Raw (unfolded, not decoded) values of a top-level header field, in order. */
  headerValues(name: string): string[] {
    const key = name.toLowerCase();
    return this.rootHeader().headers.filter((f) => f.key === key).map((f) => f.value);
  }

  /** Values of a top-level header field with RFC 2047 words decoded (for SEARCH). */
  decodedHeaderValues(name: string): string[] {
    return this.headerValues(name).map(decodedValue);
  }

  /** The top-level header as decoded, lower-cased text (SEARCH TEXT). */
  searchHeaderText(): string {
    return (this.cache.headerText ??= headerText(this.rootHeader().headers).toLowerCase());
  }

  /** The decoded, lower-cased text of the body (SEARCH BODY and TEXT), capped by the limits. */
  searchBodyText(): string {
    return (this.cache.bodyText ??= bodyText(this.src, this.root(), this.limits.maxSearchTextBytes).toLowerCase());
  }
}
