/**
 * mbsync (isync) pulls a whole mailbox (several folders, nested and non-ASCII names, flags, a
 * 5 MB message) into a Maildir over IMAPS, every message byte-identical, then pushes local
 * changes back (a flag, a new message, a deletion) and the server shows them.
 *
 * What mbsync does to messages, and the comparison accounts for (nothing is stripped):
 * - Maildir keeps Unix line ends: IMAP's CRLF become LF on the way in, and LF become CRLF again
 *   on the way out;
 * - when it propagates a message, mbsync inserts an `X-TUID: <12 characters>` line at the end
 *   of the header (its transaction id, to recognize the copy), in the Maildir copy when
 *   pulling and in the uploaded message when pushing (isync 1.4 does so even when the server
 *   reports the new UID with UIDPLUS); the expected bytes are the original with that one line
 *   added where mbsync puts it.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eachTarget, exec } from './harness.ts';
import { roundTrip, toCrlf, toLf, withAddedHeader, type Synchronizer } from './sync-support.ts';

const mbsync: Synchronizer = {
  async configure(target, dir) {
    await mkdir(join(dir, 'state'));
    await writeFile(join(dir, 'mbsyncrc'), [
      'IMAPAccount server',
      // The certificates name localhost (mbsync checks host names, not IP addresses).
      'Host localhost',
      `Port ${target.ports.imaps}`,
      `User ${target.user}`,
      `PassCmd "cat '${target.passwordFile}'"`,
      'SSLType IMAPS',
      `CertificateFile ${target.caFile}`,
      '',
      'IMAPStore remote',
      'Account server',
      '',
      'MaildirStore local',
      `Path ${dir}/mail/`,
      `Inbox ${dir}/mail/INBOX`,
      'SubFolders Verbatim',
      '',
      'Channel all',
      'Far :remote:',
      'Near :local:',
      'Patterns *',
      'Create Both',
      'Remove None',
      'Expunge Both',
      'CopyArrivalDate yes',
      `SyncState ${dir}/state/`,
      '',
    ].join('\n'));
  },
  async sync(dir) {
    const r = await exec('mbsync', ['-c', join(dir, 'mbsyncrc'), '-a'], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, `mbsync exited ${r.code}: ${r.stderr}`);
  },
  pulled: (original, copy) => withAddedHeader(toLf(original), copy, 'X-TUID'),
  pushed: (written, uploaded) => withAddedHeader(toCrlf(written), uploaded, 'X-TUID'),
};

eachTarget('mbsync pulls a whole mailbox to a Maildir and pushes changes back', (t, target) => roundTrip(t, target, mbsync, 'mbsync'));
