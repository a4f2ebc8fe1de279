/**
 * Content-addressed blob store on the file system: `<root>/ab/cd/<sha256 hex>`. A put writes a
 * temporary file in the final folder, fsyncs it, renames it to its final name and fsyncs the
 * folder, so a blob is either absent or complete under its name, and durable once put resolves.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BlobRef, BlobStore } from '../ports.ts';
import { StoreError } from '../errors.ts';
import { removeDeadWriterTemps, TEMP_PREFIX, WRITERS_DIR } from './recovery.ts';

const BLOB_ID = /^[0-9a-f]{64}$/;

async function fsyncDir(dir: string): Promise<void> {
  const h = await open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/** {@link BlobStore} on a local file system. */
export class FsBlobStore implements BlobStore {
  readonly root: string;
  #marker: Promise<string> | undefined;

  private constructor(root: string) {
    this.root = root;
  }

  /** Opens (creating) the store and removes temporary files left by dead writers. */
  static async open(root: string): Promise<FsBlobStore> {
    await mkdir(join(root, WRITERS_DIR), { recursive: true });
    await removeDeadWriterTemps(root);
    return new FsBlobStore(root);
  }

  /** Where a blob lives (whether or not it exists). */
  pathOf(id: string): string {
    if (!BLOB_ID.test(id)) throw new StoreError('BLOB_NOT_FOUND', `not a blob id: ${id}`);
    return join(this.root, id.slice(0, 2), id.slice(2, 4), id);
  }

  async put(chunks: readonly Uint8Array[]): Promise<BlobRef> {
    // Hash chunk by chunk: a 30 MB message is never copied into one buffer.
    const hash = createHash('sha256');
    let size = 0;
    for (const c of chunks) {
      hash.update(c);
      size += c.byteLength;
    }
    const id = hash.digest('hex');
    const path = this.pathOf(id);
    if (await this.has(id)) return { id, size };

    const dir = dirname(path);
    const created = await mkdir(dir, { recursive: true });
    if (created !== undefined) {
      // New folders must be durable too, or the renamed file could vanish with them.
      await fsyncDir(dirname(dir));
      await fsyncDir(this.root);
    }
    await this.#ensureMarker();
    const tmp = join(dir, `${TEMP_PREFIX}${process.pid}-${randomBytes(8).toString('hex')}`);
    const h = await open(tmp, 'wx', 0o640);
    try {
      for (const c of chunks) {
        let off = 0;
        while (off < c.byteLength) {
          const { bytesWritten } = await h.write(c, off, c.byteLength - off);
          off += bytesWritten;
        }
      }
      await h.sync();
    } catch (err) {
      await h.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    await h.close();
    // Same bytes from a concurrent put may land first: rename then replaces identical content.
    await rename(tmp, path);
    await fsyncDir(dir);
    return { id, size };
  }

  async get(id: string): Promise<Uint8Array> {
    try {
      return await readFile(this.pathOf(id));
    } catch (err) {
      if (isNotFound(err)) throw new StoreError('BLOB_NOT_FOUND', `no blob ${id}`);
      throw err;
    }
  }

  async head(id: string, maxBytes: number): Promise<Uint8Array> {
    let h;
    try {
      h = await open(this.pathOf(id), 'r');
    } catch (err) {
      if (isNotFound(err)) throw new StoreError('BLOB_NOT_FOUND', `no blob ${id}`);
      throw err;
    }
    try {
      const buf = Buffer.allocUnsafe(Math.max(0, maxBytes));
      let n = 0;
      while (n < buf.length) {
        const { bytesRead } = await h.read(buf, n, buf.length - n, n);
        if (bytesRead === 0) break;
        n += bytesRead;
      }
      return buf.subarray(0, n);
    } finally {
      await h.close();
    }
  }

  async has(id: string): Promise<boolean> {
    if (!BLOB_ID.test(id)) return false;
    try {
      await stat(this.pathOf(id));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /** Removes the file; deleting an absent blob is not an error (GC may run twice). */
  async delete(id: string): Promise<void> {
    const path = this.pathOf(id);
    try {
      await unlink(path);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    await fsyncDir(dirname(path));
  }

  /** Removes this writer's marker: its temporary files are all renamed or removed by now. */
  async close(): Promise<void> {
    const marker = this.#marker;
    this.#marker = undefined;
    if (marker !== undefined) await unlink(await marker).catch(() => undefined);
  }

  /** Announces this process as a writer before its first temporary file (see recovery.ts). */
  #ensureMarker(): Promise<string> {
    this.#marker ??= (async () => {
      const path = join(this.root, WRITERS_DIR, `${process.pid}-${randomBytes(6).toString('hex')}`);
      await writeFile(path, '');
      await fsyncDir(dirname(path));
      return path;
    })().catch((err: unknown) => {
      // Let the next put try again rather than failing forever.
      this.#marker = undefined;
      throw err;
    });
    return this.#marker;
  }
}
