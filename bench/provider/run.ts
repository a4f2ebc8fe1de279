/**
 * bench/provider: certified messages per second end to end between two providers on loopback
 * (submission → delivery receipt filed in the sender's mailbox), p50/p99 latency, for 1 KB and
 * 1 MB messages to 1 and 10 recipients, on SQLite and on PostgreSQL; beside the same traffic
 * through a plain relay (our SMTP listener forwarding to a sink, no PEC work) as the ceiling,
 * and the RSA floor (the signatures and verifications PEC requires, nothing else).
 *
 *   npm run bench:provider            (add --quick for fewer messages)
 */
import { generateKeyPairSync, sign, verify, createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { spawn, type ChildProcess } from 'node:child_process';
import { createSmtpListener, sendMessage } from '@recapito/smtp';
import { openStore, type Store } from '@recapito/store';
import { createLab, run, type Lab, type Peer } from '../../apps/recapito/test/support/two-providers.ts';

const quick = process.argv.includes('--quick');
const CLIENT = fileURLToPath(new URL('./client.py', import.meta.url));
const PG = process.env['RECAPITO_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const CLIENTS = 4;
const BIN = fileURLToPath(new URL('../../apps/recapito/bin/recapito.js', import.meta.url));

/** Each provider in its own process, as in production (they then use both cores). */
function serve(p: Peer): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', '--data', p.data, '--submission-port', String(p.ports.submission), '--starttls-port', '0', '--smtp-port', String(p.ports.smtp), '--imap-port', '0', '--imaps-port', '0', '--pop3-port', '0', '--pop3s-port', '0', '--json'], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
}

async function stop(c: ChildProcess): Promise<void> {
  c.kill('SIGTERM');
  await new Promise((r) => c.once('exit', r));
}

interface Result { label: string; n: number; rcpts: number; msgsPerSec: number; p50: number; p99: number }

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function clients(port: number, ca: string, user: string, pwFile: string, rcpts: string[], n: number, size: number, tag: string): Promise<Map<string, number>> {
  const per = Math.ceil(n / CLIENTS);
  const outs = await Promise.all(Array.from({ length: CLIENTS }, (_, c) => run('python3', [CLIENT, '127.0.0.1', String(port), ca, user, pwFile, rcpts.join(','), String(per), String(size), `${tag}-${c}`], 900_000)));
  const starts = new Map<string, number>();
  for (const o of outs) {
    if (o.code !== 0) throw new Error(o.stderr);
    for (const l of o.stdout.trim().split('\n')) {
      const { id, t } = JSON.parse(l) as { id: string; t: number };
      starts.set(id, t * 1000);
    }
  }
  return starts;
}

async function pecRun(dialect: 'sqlite' | 'postgres', size: number, nr: number, n: number): Promise<Result> {
  const schema = (s: string): string => `${PG}?schema=t_bench_${s}_${Math.random().toString(36).slice(2, 8)}`;
  const alfaDb = schema('a');
  const lab: Lab = await createLab(dialect === 'postgres' ? { alfaDb, betaDb: schema('b') } : {});
  const children: ChildProcess[] = [];
  let store: Store | undefined;
  try {
    children.push(await serve(lab.alfa), await serve(lab.beta));
    const alfaStore = await openStore({ dataDir: lab.alfa.data, ...(dialect === 'postgres' ? { url: alfaDb } : {}) });
    store = alfaStore;
    await lab.addMailbox(lab.alfa, 'mittente@pec.alfa.test', '--type', 'massive', '--limits', 'recipients=100,size=50MB,total=2GB,perDay=1000000,perMinute=1000000');
    const rcpts = Array.from({ length: nr }, (_, i) => `r${i}@pec.beta.test`);
    for (const r of rcpts) await lab.addMailbox(lab.beta, r, '--quota', '100GB');
    const tag = `${dialect}-${size}-${nr}`;
    const t0 = Date.now();
    const starts = await clients(lab.alfa.ports.submission, lab.ca, 'mittente@pec.alfa.test', lab.passwordFile, rcpts, n, size, tag);
    const box = (await alfaStore.accounts.getMailbox('mittente@pec.alfa.test'))!;
    const inbox = (await alfaStore.mailboxes.getFolder(box.id, 'INBOX'))!;
    const expected = starts.size * (1 + nr);
    await lab.waitFor('all receipts', async () => (await alfaStore.mailboxes.countMessages(inbox.id)) >= expected, 900_000);
    const events = await alfaStore.log.search({ address: 'mittente@pec.alfa.test' });
    const client = new Map<string, string>();
    const done = new Map<string, number>();
    for (const e of events) {
      if (e.event === 'accettazione') client.set(e.pecMsgId!, String(e.details['clientMsgId']));
      if (e.event === 'ricevuta-avvenuta-consegna') done.set(e.pecMsgId!, Math.max(done.get(e.pecMsgId!) ?? 0, e.at.getTime()));
    }
    const lat: number[] = [];
    let last = 0;
    for (const [pec, t] of done) {
      const s = starts.get(client.get(pec) ?? '');
      if (s !== undefined) lat.push(t - s);
      last = Math.max(last, t);
    }
    lat.sort((a, b) => a - b);
    await Promise.all(children.map(stop));
    return { label: `PEC ${dialect.padEnd(8)} ${size >= 1 << 20 ? '1 MB' : '1 KB'} × ${String(nr).padStart(2)} rcpt`, n: starts.size, rcpts: nr, msgsPerSec: starts.size / ((last - t0) / 1000), p50: pct(lat, 50), p99: pct(lat, 99) };
  } finally {
    for (const c of children) if (c.exitCode === null) await stop(c);
    await store?.close();
    await lab.stop();
  }
}

async function relayRun(size: number, nr: number, n: number, lab: Lab): Promise<Result> {
  const tls = { key: '', cert: '' };
  const fs = await import('node:fs/promises');
  tls.key = await fs.readFile(`${lab.alfa.data}/tls/key.pem`, 'utf8');
  tls.cert = await fs.readFile(`${lab.alfa.data}/tls/cert.pem`, 'utf8');
  const arrived = new Map<string, number>();
  const sink = createSmtpListener({ mode: 'inbound', tls, hostname: 'localhost', maxMessageBytes: 1 << 30, maxRecipients: 1000, backend: {
    mailFrom: async () => undefined, rcptTo: async () => undefined,
    data: async (m) => { const id = /Message-ID: (<[^>]+>)/.exec(Buffer.from(m.subarray(0, 2000)).toString('latin1'))?.[1]; if (id) arrived.set(id, Date.now()); return undefined; },
  } });
  const { port: sinkPort } = await sink.listen(0, '127.0.0.1');
  const relay = createSmtpListener({ mode: 'submission-tls', tls, hostname: 'localhost', maxMessageBytes: 1 << 30, maxRecipients: 1000, backend: {
    authenticate: async (u) => ({ ok: true, user: u }), mailFrom: async () => undefined, rcptTo: async () => undefined,
    data: async (m, e) => { void sendMessage({ host: '127.0.0.1', port: sinkPort }, { mailFrom: e.mailFrom, rcptTo: e.rcptTo, chunks: [m] }, { name: 'relay', requireTls: true, tls: { ca: [await fs.readFile(lab.ca, 'utf8')] } }); return undefined; },
  } });
  const { port } = await relay.listen(0, '127.0.0.1');
  const rcpts = Array.from({ length: nr }, (_, i) => `r${i}@sink.test`);
  const t0 = Date.now();
  const starts = await clients(port, lab.ca, 'bench@relay.test', lab.passwordFile, rcpts, n, size, `relay-${size}-${nr}`);
  await lab.waitFor('relay', async () => arrived.size >= starts.size, 300_000);
  const lat = [...starts].map(([id, s]) => arrived.get(id)! - s).sort((a, b) => a - b);
  await relay.close();
  await sink.close();
  return { label: `relay (ceiling)  ${size >= 1 << 20 ? '1 MB' : '1 KB'} × ${String(nr).padStart(2)} rcpt`, n: starts.size, rcpts: nr, msgsPerSec: starts.size / ((Math.max(...arrived.values()) - t0) / 1000), p50: pct(lat, 50), p99: pct(lat, 99) };
}

function rsaFloor(nr: number): number {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const d = createHash('sha256').update('x').digest();
  const s = sign('sha256', d, privateKey);
  const t0 = performance.now();
  for (let i = 0; i < 200; i++) sign('sha256', d, privateKey);
  const signMs = (performance.now() - t0) / 200;
  const t1 = performance.now();
  for (let i = 0; i < 2000; i++) verify('sha256', d, publicKey, s);
  const verifyMs = (performance.now() - t1) / 2000;
  // Per message: acceptance, envelope, take-in-charge, one receipt per recipient are signed, and
  // each is verified once by the provider that receives it (acceptance locally, too).
  const ops = 3 + nr;
  return 1000 / (ops * (signMs + verifyMs));
}

const show = (r: Result): string => `${r.label.padEnd(34)} ${r.msgsPerSec.toFixed(1).padStart(8)} msg/s   p50 ${r.p50.toFixed(0).padStart(6)} ms   p99 ${r.p99.toFixed(0).padStart(6)} ms   (${r.n} msgs)`;

console.log(`bench/provider — node ${process.version}, ${CLIENTS} concurrent smtplib clients, providers in separate processes, ${quick ? 'quick' : 'full'} run\n`);
const shapes: [number, number, number][] = [[1024, 1, quick ? 40 : 200], [1024, 10, quick ? 20 : 100], [1 << 20, 1, quick ? 8 : 40], [1 << 20, 10, quick ? 4 : 20]];
const ceilingLab = await createLab();
for (const [size, nr, n] of shapes) {
  const ceiling = await relayRun(size, nr, n, ceilingLab);
  console.log(show(ceiling));
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const r = await pecRun(dialect, size, nr, n);
    console.log(`${show(r)}   ${(r.msgsPerSec / ceiling.msgsPerSec * 100).toFixed(1)}% of the relay`);
  }
  console.log(`RSA floor (${3 + nr} signatures + verifications per message) ${rsaFloor(nr).toFixed(1)} msg/s on one core\n`);
}
await ceilingLab.stop();
