/**
 * Ports for servers the tests start on a fixed port (Dovecot, `recapito serve`, a server that a
 * kill -9 test restarts on the same port). The test runner runs files in parallel processes, so
 * "free now" is not enough: two processes could pick the same port before either binds it. Each
 * pick is therefore also reserved in a folder shared by all test processes, with an exclusive
 * create; a reservation whose process has ended is taken over.
 */
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RESERVATIONS = join(tmpdir(), 'recapito-test-ports');

/** Linux's ephemeral range starts at 32768: ports below it are never taken by outgoing connections or port-0 listeners. */
const LOW = 20_000;
const SPAN = 12_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when this process now holds the reservation of `port`. */
function reserve(port: number): boolean {
  const file = join(RESERVATIONS, String(port));
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  let holder = NaN;
  try { holder = Number(readFileSync(file, 'utf8')); } catch { return false; }
  if (holder === process.pid || !Number.isInteger(holder) || holder <= 0 || alive(holder)) return false;
  // A stale reservation: one process wins the rename, the others retry with another port.
  const aside = `${file}.${process.pid}.stale`;
  try { renameSync(file, aside); } catch { return false; }
  unlinkSync(aside);
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    return false;
  }
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/**
 * A port that no other test process has reserved and that can be bound now. This process keeps
 * the reservation until it exits, so a server stopped and restarted on it keeps it too.
 */
export async function freePort(): Promise<number> {
  mkdirSync(RESERVATIONS, { recursive: true });
  for (;;) {
    const port = LOW + Math.floor(Math.random() * SPAN);
    if (reserve(port) && await bindable(port)) return port;
  }
}
