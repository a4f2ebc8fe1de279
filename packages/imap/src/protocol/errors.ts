/**
 * Parse errors of the IMAP command parser. The message is meant to be sent as the text of a
 * tagged (or, without a tag, untagged) `BAD` response (RFC 3501 §7.1.3).
 */

/** A command that does not follow the grammar of RFC 3501 §9 or of a supported extension. */
export class ImapParseError extends Error {
  /** The command tag, when it could be read; `undefined` means answer with `* BAD`. */
  readonly tag: string | undefined;

  constructor(message: string, tag?: string) {
    super(message);
    this.name = 'ImapParseError';
    this.tag = tag;
  }
}

/** Modified UTF-7 (RFC 3501 §5.1.3) that is not valid or not in its unique minimal form. */
export class Mutf7Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Mutf7Error';
  }
}
