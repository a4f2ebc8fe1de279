/**
 * Memory for the bytes of a batch in flight. A copy reads hundreds of megabytes that live only
 * until their APPEND is answered; one new buffer per message makes the garbage collector run
 * over and over (V8 collects when memory outside its heap grows) and the kernel hand out and
 * zero fresh pages each time. Instead, a batch's messages are carved from one slab, and the
 * slab is reused once the whole batch is appended and recorded: nothing of it is referenced
 * then (an APPEND is answered only after the server has read every byte of it).
 */

/** One batch's worth of bytes (see BATCH_BYTES in copy-folder.ts). */
export const SLAB_BYTES = 16 * 1024 * 1024;
/** Slabs kept for reuse; more are allocated when needed (lanes × batches in flight). */
const KEEP = 12;

export class Slab {
  readonly #bytes = Buffer.allocUnsafeSlow(SLAB_BYTES);
  #used = 0;

  /** `size` bytes of the slab, or null when they do not fit (the caller allocates instead). */
  take(size: number): Buffer | null {
    if (size === 0 || this.#used + size > this.#bytes.length) return null;
    const out = this.#bytes.subarray(this.#used, this.#used + size);
    this.#used += size;
    return out;
  }

  reset(): void {
    this.#used = 0;
  }
}

export class SlabPool {
  readonly #free: Slab[] = [];

  acquire(): Slab {
    return this.#free.pop() ?? new Slab();
  }

  /** Only for a slab none of whose bytes is referenced any more. */
  release(slab: Slab): void {
    slab.reset();
    if (this.#free.length < KEEP) this.#free.push(slab);
  }
}

/** Shared by all the copies of the process (one thread). */
export const slabs = new SlabPool();
