/** Writes chunks to a file durably (write to a temporary name, fsync, rename). */
import { open, rename } from 'node:fs/promises';

export async function writeChunks(path: string, chunks: readonly Uint8Array[]): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w', 0o644);
  try {
    for (let i = 0; i < chunks.length; i += 512) await fh.writev(chunks.slice(i, i + 512) as Uint8Array[]);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}
