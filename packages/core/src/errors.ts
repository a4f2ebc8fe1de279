/**
 * Errors and problems shared by every part of the core.
 *
 * A `Problem` is a finding about an input (a message, a signature, an XML document): it is data,
 * returned to the caller and shown to users. A `RecapitoError` is thrown when an operation cannot
 * go on (for instance an unparseable daticert.xml). Both carry a stable code from a closed list,
 * documented in docs/errors.md; the wire protocols and the CLI map these codes to their replies.
 */
export interface Problem {
  /** Stable, documented code, e.g. `SIGNATURE_INVALID`. */
  readonly code: string;
  /** Human-readable explanation (English), saying what is wrong and where. */
  readonly message: string;
}

export class RecapitoError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RecapitoError';
    this.code = code;
  }

  toProblem(): Problem {
    return { code: this.code, message: this.message };
  }
}

/** Turns anything thrown into a Problem without leaking stack traces to users. */
export function toProblem(err: unknown, fallbackCode = 'INTERNAL'): Problem {
  if (err instanceof RecapitoError) return err.toProblem();
  const message = err instanceof Error ? err.message : String(err);
  return { code: fallbackCode, message };
}
