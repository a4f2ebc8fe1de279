// A peer that hangs loses nothing: a TCP relay in front of the destination stops forwarding in
// the middle of the APPENDs (the connection stays open, nothing answers). The session gives up
// after the idle timeout, the lane backs off and reconnects, and the folder resumes from the
// identity map: every message ends up in the destination exactly once.
import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { test, type TestContext } from 'node:test';
import { copyMailbox, DataSession, parseEndpoint, type CopyEvent } from '../src/index.ts';
import { defaults, DST, fill, freshMap, mailboxJob, message, PASSWORD, readAll, recapitoPair, SRC, type Msg } from './copy-support.ts';

/** Relays to `port`; the first connection that sends more than `limit` bytes freezes for good. */
async function freezingRelay(t: TestContext, port: number, limit: number): Promise<{ port: number; froze: () => boolean }> {
  let froze = false;
  const sockets: Socket[] = [];
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    sockets.push(client, upstream);
    let sent = 0;
    let frozen = false;
    client.on('data', (d: Buffer) => {
      if (frozen) return;
      sent += d.length;
      if (!froze && sent > limit) { froze = frozen = true; return; }
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => { if (!frozen) client.write(d); });
    const end = (): void => { client.destroy(); upstream.destroy(); };
    client.on('close', end);
    upstream.on('close', () => { if (!frozen) end(); });
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => { for (const s of sockets) s.destroy(); server.close(); });
  return { port: (server.address() as { port: number }).port, froze: () => froze };
}

test('copy engine: a destination that stops answering mid-copy is dropped after the timeout and the copy resumes without duplicates', async (t) => {
  const pair = await recapitoPair(t);
  const msgs: Msg[] = Array.from({ length: 60 }, (_, i) => ({ folder: 'INBOX', bytes: message(i, { body: `${i} `.repeat(8000) }), flags: [], date: new Date(Date.UTC(2020, 1, 1 + i)) }));
  await fill(pair, SRC, msgs);
  const relay = await freezingRelay(t, pair.port, 300_000);
  const map = await freshMap(t);
  const events: CopyEvent[] = [];
  const job = mailboxJob(pair, map, { ...defaults, onEvent: (e) => events.push(e) });
  const viaRelay = parseEndpoint(`imaps://${encodeURIComponent(DST)}@127.0.0.1:${relay.port}`);
  const report = await copyMailbox({ ...job, dataDest: () => DataSession.open(viaRelay, PASSWORD, { ca: pair.ca, idleTimeoutMs: 1000 }) });
  assert.ok(relay.froze(), 'the relay froze a session in the middle of the copy');
  assert.ok(events.some((e) => e.type === 'retry' && e.reason === 'CONNECTION_LOST'), 'the hung session was given up and retried');
  assert.equal(report.status, 'success', JSON.stringify(report));
  const dest = await readAll(pair, DST);
  assert.equal(dest.get('INBOX')!.length, msgs.length, 'each message exactly once');
});
