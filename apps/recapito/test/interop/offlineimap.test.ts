/**
 * offlineimap pulls a whole mailbox (several folders, nested and non-ASCII names, flags, a
 * 5 MB message) into a Maildir over IMAPS, every message byte-identical, then pushes local
 * changes back (a flag, a new message, a deletion) and the server shows them. It is configured
 * wholly from a temporary file (`-c`), its metadata in a temporary folder, one run at a time
 * (`-o`), quiet (`-u quiet`).
 *
 * What offlineimap does to messages, and the comparison accounts for (nothing is stripped):
 * - Maildir keeps Unix line ends: CRLF become LF on the way in, LF become CRLF on the way out;
 * - it adds an `X-OfflineIMAP:` header to a message it uploads only when the server cannot
 *   tell the new UID (no UIDPLUS); with UIDPLUS the upload is the message as written. The
 *   comparison allows that one header, where offlineimap puts it, and nothing else.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eachTarget, exec } from './harness.ts';
import { roundTrip, toCrlf, toLf, withAddedHeader, type Synchronizer } from './sync-support.ts';

const offlineimap: Synchronizer = {
  async configure(target, dir) {
    await mkdir(join(dir, 'metadata'));
    await writeFile(join(dir, 'offlineimaprc'), [
      '[general]',
      'accounts = interop',
      `metadata = ${dir}/metadata`,
      '',
      '[Account interop]',
      'localrepository = local',
      'remoterepository = remote',
      '',
      '[Repository local]',
      'type = Maildir',
      `localfolders = ${dir}/mail`,
      'sep = /',
      '',
      '[Repository remote]',
      'type = IMAP',
      'remotehost = localhost',
      `remoteport = ${target.ports.imaps}`,
      'ssl = yes',
      `sslcacertfile = ${target.caFile}`,
      `remoteuser = ${target.user}`,
      `remotepassfile = ${target.passwordFile}`,
      '',
    ].join('\n'));
  },
  async sync(dir) {
    const r = await exec('offlineimap', ['-c', join(dir, 'offlineimaprc'), '-o', '-u', 'quiet'], { timeoutMs: 60_000, env: { ...process.env, HOME: dir } });
    assert.equal(r.code, 0, `offlineimap exited ${r.code}: ${r.stderr}${r.stdout.toString('utf8')}`);
    assert.doesNotMatch(r.stderr, /ERROR/, r.stderr);
  },
  pulled: (original, copy) => withAddedHeader(toLf(original), copy, 'X-OfflineIMAP'),
  pushed: (written, uploaded) => withAddedHeader(toCrlf(written), uploaded, 'X-OfflineIMAP'),
};

eachTarget('offlineimap pulls a whole mailbox to a Maildir and pushes changes back', (t, target) => roundTrip(t, target, offlineimap, 'offlineimap'));
