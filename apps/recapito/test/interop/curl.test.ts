/**
 * curl lists folders and fetches messages by UID (whole and one MIME part) and searches over
 * IMAPS, lists over STARTTLS; lists, lists UIDs and retrieves over POP3S and over STLS; always
 * verifying the certificate (--cacert). Every message is byte-identical to what was appended
 * (CRLF line ends and all: curl writes what the server sends).
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eachTarget, exec, tempDir } from './harness.ts';
import { fill } from './sync-support.ts';
import type { Target } from './targets.ts';

/** Mailbox names in curl's LIST output (still modified UTF-7, as on the wire). */
function listed(out: string): string[] {
  return out.split('\r\n').filter(Boolean).map((l) => {
    const m = /^\* LIST \([^)]*\) (?:"[^"]*"|NIL) (.*)$/.exec(l);
    assert.ok(m, `not a LIST line: ${l}`);
    return m[1]!.replace(/^"(.*)"$/, '$1').replace(/\\(["\\])/g, '$1');
  }).sort();
}

eachTarget('curl fetches over IMAPS and POP3S with certificate checks', async (t, target: Target) => {
  const tmp = await tempDir('curl');
  try {
    await mkdir(join(tmp.path, 'orig'));
    const manifest = await fill(target, join(tmp.path, 'orig'), 1);
    const netrc = join(tmp.path, 'netrc');
    await writeFile(netrc, `machine localhost login ${target.user} password ${target.password}\n`, { mode: 0o600 });
    const curl = async (url: string, ...extra: string[]): Promise<Buffer> => {
      const r = await exec('curl', ['-sS', '--netrc-file', netrc, '--cacert', target.caFile, ...extra, url], { timeoutMs: 30_000 });
      assert.equal(r.code, 0, `curl ${extra.join(' ')} ${url} exited ${r.code}: ${r.stderr}`);
      return r.stdout;
    };
    const imaps = `imaps://localhost:${target.ports.imaps}`;
    const pop3s = `pop3s://localhost:${target.ports.pop3s}`;
    const original = (folder: string, i: number): Promise<Buffer> => readFile(manifest.folders[folder]![i]!.file!);

    const names = listed((await curl(`${imaps}/`)).toString('utf8'));
    for (const f of ['INBOX', 'Posta inviata/Citt&AOA-', 'Progetti/2026', 'Posta inviata', 'Progetti']) assert.ok(names.includes(f), `LIST has ${f}: ${names.join(', ')}`);
    assert.deepEqual(listed((await curl(`imap://localhost:${target.ports.imap}/`, '--ssl-reqd')).toString('utf8')), names, 'the same list over STARTTLS');

    for (let uid = 1; uid <= 3; uid++) {
      assert.ok((await curl(`${imaps}/INBOX;UID=${uid}`)).equals(await original('INBOX', uid - 1)), `INBOX UID ${uid} byte-identical`);
    }
    assert.ok((await curl(`${imaps}/Posta%20inviata/Citt%26AOA-;UID=1`)).equals(await original('Posta inviata/Città', 0)), 'non-ASCII folder');
    const archive = Object.keys(manifest.folders).find((f) => manifest.folders[f]![0]!.id === '<grande@pec.example.test>')!;
    assert.ok((await curl(`${imaps}/${encodeURIComponent(archive)};UID=1`)).equals(await original(archive, 0)), 'the large message');
    assert.equal((await curl(`${imaps}/INBOX;UID=2;SECTION=1`)).toString('latin1'), 'In allegato la fattura di febbraio. Perch=C3=A9 no?\r\n', 'a MIME part');
    assert.equal((await curl(`${imaps}/INBOX?SUBJECT%20fattura`)).toString('latin1').trim(), '* SEARCH 2');

    const sizes = await Promise.all([0, 1, 2].map(async (i) => (await original('INBOX', i)).length));
    assert.equal((await curl(`${pop3s}/`)).toString('latin1'), sizes.map((s, i) => `${i + 1} ${s}\r\n`).join(''), 'POP3 LIST');
    const uidl = (await curl(`${pop3s}/`, '-X', 'UIDL')).toString('latin1').split('\r\n').filter(Boolean);
    assert.equal(new Set(uidl.map((l) => l.split(' ')[1])).size, 3, `POP3 UIDL: ${uidl.join(' | ')}`);
    for (let n = 1; n <= 3; n++) assert.ok((await curl(`${pop3s}/${n}`)).equals(await original('INBOX', n - 1)), `POP3 RETR ${n} byte-identical`);
    assert.ok((await curl(`pop3://localhost:${target.ports.pop3}/2`, '--ssl-reqd')).equals(await original('INBOX', 1)), 'POP3 RETR over STLS');
    t.diagnostic(`folders: ${names.join(', ')}`);
  } finally {
    await tmp.remove();
  }
});
