/**
 * Writing to the client with back-pressure: a message is streamed piece by piece (views over
 * the backend's bytes), waiting for `drain` whenever the socket's buffer is full, so a large
 * message never sits whole in the socket's queue.
 */
import type { Socket } from 'node:net';
import { dotStuffed } from './dot-stuff.ts';

/** Bytes written before yielding to the event loop while streaming. */
const FLUSH_EVERY = 256 * 1024;

/** Waits until the socket can take more data, or is gone. */
export function drain(sock: Socket): Promise<void> {
  if (sock.destroyed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = (): void => {
      sock.off('drain', done);
      sock.off('close', done);
      resolve();
    };
    sock.on('drain', done);
    sock.on('close', done);
  });
}

/**
 * Sends `+OK first`, then `bytes[0, end)` dot-stuffed and terminated (RFC 1939 §3).
 * Stops early when `gone()` turns true.
 */
export async function streamMessage(sock: Socket, first: string, bytes: Uint8Array, end: number, gone: () => boolean): Promise<void> {
  sock.cork();
  let since = 0;
  let flowing = sock.write(`+OK ${first}\r\n`);
  try {
    for (const piece of dotStuffed(bytes, end)) {
      if (gone() || sock.destroyed) return;
      flowing = sock.write(piece) && flowing;
      since += piece.length;
      if (!flowing || since >= FLUSH_EVERY) {
        sock.uncork();
        if (!flowing) await drain(sock);
        sock.cork();
        since = 0;
        flowing = true;
      }
    }
  } finally {
    sock.uncork();
  }
  if (!flowing) await drain(sock);
}
