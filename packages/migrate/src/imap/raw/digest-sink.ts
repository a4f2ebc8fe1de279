/**
 * Verification reads every copy back only to compare it with the source: the sha256 is taken
 * while the bytes arrive and the bytes are dropped, so reading back 500 MB allocates nothing
 * per message. Only a message whose header asks for it (`keepWhole`, e.g. a PEC envelope whose
 * signature is re-checked) is kept whole.
 */
import { createHash, type Hash } from 'node:crypto';
import type { Digested, LiteralSink } from './reader.ts';

/** How much of the start of a message is looked at to decide whether to keep it whole. */
export const HEAD_BYTES = 64 * 1024;

export class DigestSink implements LiteralSink {
  readonly #hash: Hash = createHash('sha256');
  readonly #size: number;
  readonly #keepWhole: (head: Buffer) => boolean;
  /** The start of the message until the decision, then everything if kept. */
  #parts: Buffer[] = [];
  #seen = 0;
  #decided: boolean | null = null;

  constructor(size: number, keepWhole: (head: Buffer) => boolean) {
    this.#size = size;
    this.#keepWhole = keepWhole;
  }

  write(bytes: Buffer): void {
    this.#hash.update(bytes);
    this.#seen += bytes.length;
    if (this.#decided === false) return;
    this.#parts.push(Buffer.from(bytes));
    if (this.#decided === null && (this.#seen >= Math.min(HEAD_BYTES, this.#size) || headerEnds(this.#parts))) this.#decide();
  }

  end(): Digested {
    if (this.#decided === null) this.#decide();
    const whole = this.#decided ? Buffer.concat(this.#parts) : null;
    this.#parts = [];
    return { size: this.#seen, sha256: this.#hash.digest('hex'), whole };
  }

  #decide(): void {
    const head = Buffer.concat(this.#parts);
    this.#decided = this.#keepWhole(head.subarray(0, HEAD_BYTES));
    this.#parts = this.#decided ? [head] : [];
  }
}

/** Whether the blank line that ends the header has arrived (in the last two pieces). */
function headerEnds(parts: readonly Buffer[]): boolean {
  const tail = parts.length > 1 ? Buffer.concat(parts.slice(-2)) : parts[0]!;
  return tail.includes('\r\n\r\n') || tail.includes('\n\n');
}
