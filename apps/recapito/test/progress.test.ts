// Progress rendering: pure formatting, and the reporter on a fake terminal and a fake log with a fake clock.
/* eslint-disable no-control-regex -- the point is to find or rule out terminal escape sequences */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, formatDuration, progressLine, progressStats, ProgressReporter, type ProgressItem } from '../src/lib/progress.ts';

const ESC = '\x1b';

function stream(isTTY: boolean, columns?: number): { out: { write(s: string): boolean; isTTY: boolean; columns?: number }; text: () => string; writes: string[] } {
  const writes: string[] = [];
  return { out: { write: (s: string) => { writes.push(s); return true; }, isTTY, ...(columns !== undefined ? { columns } : {}) }, text: () => writes.join(''), writes };
}

const item = (over: Partial<ProgressItem> = {}): ProgressItem => ({
  label: 'INBOX', messagesDone: 0, messagesTotal: 5000, bytesDone: 0, bytesTotal: 467e6, startedAt: 0, ...over,
});

test('formatBytes: decimal units, three significant digits, safe for nonsense', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(999), '999 B');
  assert.equal(formatBytes(1000), '1 KB');
  assert.equal(formatBytes(1500), '1.5 KB');
  assert.equal(formatBytes(12_345_678), '12.3 MB');
  assert.equal(formatBytes(1_020_000_000), '1.02 GB');
  assert.equal(formatBytes(999_960), '1 MB', 'rounding carries to the next unit');
  assert.equal(formatBytes(5e20), '500000 PB');
  for (const bad of [NaN, Infinity, -Infinity, -1]) assert.equal(formatBytes(bad), '--', String(bad));
});

test('formatDuration: m:ss under an hour, h:mm:ss above, --:-- when unknown', () => {
  assert.equal(formatDuration(0), '0:00');
  assert.equal(formatDuration(9), '0:09');
  assert.equal(formatDuration(59.6), '1:00');
  assert.equal(formatDuration(3599), '59:59');
  assert.equal(formatDuration(3903), '1:05:03');
  assert.equal(formatDuration(100 * 3600), '100:00:00');
  for (const bad of [NaN, Infinity, -5, 1e12]) assert.equal(formatDuration(bad), '--:--', String(bad));
});

test('rates come from the elapsed time; ETA from bytes when their total is known, else from messages', () => {
  // 10 s in: 1,000 of 5,000 messages, 100 MB of 500 MB: 10 MB/s, so 40 s left.
  const it = item({ messagesDone: 1000, bytesDone: 100e6, bytesTotal: 500e6, startedAt: 5000 });
  assert.deepEqual(progressStats(it, 15_000), { msgRate: 100, byteRate: 10e6, etaSeconds: 40 });
  const line = progressLine({ ...it, failed: 2 }, 15_000, Infinity);
  assert.match(line, /^INBOX {9}\[####\.{16}\] {2}1,000\/5,000 {2}100 MB\/500 MB {2}100 msg\/s {2}10 MB\/s {2}ETA 0:40 {2}2 failed$/);
  // Without a byte total, messages decide: 4,000 left at 100 msg/s.
  assert.equal(progressStats({ ...it, bytesTotal: 0 }, 15_000).etaSeconds, 40);
  assert.equal(progressStats({ ...it, messagesDone: 4000, bytesTotal: 0 }, 15_000).etaSeconds, 2.5);
  // Too early, or nothing moved yet: no rate, no ETA.
  assert.match(progressLine(it, 5500, Infinity), /-- msg\/s {2}--\/s {2}ETA --:--/);
  assert.match(progressLine(item(), 60_000, Infinity), /ETA --:--/);
  assert.match(progressLine(item({ state: 'done', messagesDone: 5000, bytesDone: 467e6 }), 60_000, Infinity), /\[#{20}\] {2}5,000\/5,000 {2}467 MB\/467 MB {2}done$/);
});

test('lines fit the width: the bar shrinks, then the label is cut; control characters never pass', () => {
  const it = item({ label: `Posta in arrivo/${'Sottocartella '.repeat(10)}\x1b[31m`, messagesDone: 1234, bytesDone: 120e6, startedAt: 0 });
  for (const w of [200, 100, 80, 60, 40, 10, 0]) {
    const line = progressLine(it, 14_000, w);
    assert.ok(Array.from(line).length <= w, `${w}: ${line}`);
    assert.doesNotMatch(line, /\x1b/);
  }
  assert.match(progressLine(it, 14_000, 100), /^Posta in arrivo\/Sott.*… {2}\[#+\.+\] {2}1,234\/5,000/);
  assert.match(progressLine(it, 14_000, Infinity), /Sottocartella \?\[31m {2}\[/);
});

test('TTY: redraws one block in place, throttled, with the numbers; log() lands above it; finish() leaves it', () => {
  const s = stream(true, 100);
  let now = 0;
  const r = new ProgressReporter(s.out, { now: () => now });
  const items = [item({ label: 'a@h INBOX', messagesDone: 10, bytesDone: 1e6, startedAt: 0 }), item({ label: 'a@h Sent', state: 'waiting' })];
  now = 10_000;
  r.update(item({ label: 'totale', messagesDone: 1234, bytesDone: 120e6, startedAt: 0 }), items);
  const first = s.text();
  assert.doesNotMatch(first, /\x1b\[\d+A/, 'nothing to move over the first time');
  assert.match(first, /totale .*1,234\/5,000 {2}120 MB\/467 MB {2}123 msg\/s {2}12 MB\/s {2}ETA 0:29/);
  assert.match(first, /a@h INBOX/);
  assert.doesNotMatch(first, /Sent/, 'only running items are listed');
  assert.equal(s.writes.length, 1);

  now += 100;
  r.update(item({ label: 'totale', messagesDone: 1300, startedAt: 0 }), items);
  assert.equal(s.writes.length, 1, 'within 200 ms: no redraw');
  now += 150;
  r.update(item({ label: 'totale', messagesDone: 1400, startedAt: 0 }), items);
  assert.equal(s.writes.length, 2);
  assert.ok(s.writes[1]!.startsWith(`${ESC}[2A\r${ESC}[2K`), 'cursor up over the 2 lines drawn, then erase line');
  assert.match(s.writes[1]!, /1,400\/5,000/);

  r.log('avviso: cartella vuota');
  assert.ok(s.writes[2]!.startsWith(`${ESC}[2A\r${ESC}[Javviso: cartella vuota\n`), 'the log line replaces the block, which is drawn again below');
  assert.match(s.writes[3]!, /^\r\x1b\[2K.*1,400/);

  now += 10;
  r.update(item({ label: 'totale', messagesDone: 1500, startedAt: 0 }), [item({ label: 'a@h INBOX', state: 'done', messagesDone: 5000, bytesDone: 467e6 })]);
  const done = s.writes.slice(4).join('');
  assert.match(done, /a@h INBOX .*done\n/, 'a finished item gets a permanent line at once');
  assert.match(done, /1,500\/5,000/);

  const before = s.writes.length;
  r.finish();
  assert.equal(s.writes.length, before + 1);
  r.update(item({ messagesDone: 5000 }), []);
  r.log('riepilogo');
  assert.equal(s.writes.at(-1), 'riepilogo\n', 'after finish() the block is left alone');
  for (const line of s.text().split('\n')) {
    const visible = line.replace(/\x1b\[\d*[AJK]/g, '').replace(/\r/g, '');
    assert.ok(visible.length < 100, visible);
  }
});

test('TTY: at most 8 running items, the rest summed up; narrow terminals are respected', () => {
  const s = stream(true, 50);
  const r = new ProgressReporter(s.out, { now: () => 20_000 });
  const many = Array.from({ length: 12 }, (_, i) => item({ label: `casella${i}@ente.it INBOX`, messagesDone: i, bytesDone: i * 1000 }));
  r.update(item({ label: 'totale' }), many);
  const lines = s.text().split('\n').filter((l) => l !== '' && l !== `${ESC}[J`);
  assert.equal(lines.length, 10);
  assert.match(lines[9]!, /and 4 more running/);
  for (const l of lines) assert.ok(l.replace(/\r|\x1b\[2K/g, '').length <= 49, l);
});

test('not a TTY: no escape characters, throttled to 5 s, only when something changed, end lines for items', () => {
  const s = stream(false);
  let now = 0;
  const r = new ProgressReporter(s.out, { now: () => now });
  const overall = (done: number): ProgressItem => item({ label: 'totale', messagesDone: done, bytesDone: done * 1000 });
  r.update(overall(0), []);
  for (let t = 1; t <= 200; t++) { now = t * 100; r.update(overall(t), [item({ label: 'x@h INBOX', messagesDone: t })]); }
  // 20 s of updates every 100 ms: lines at 0, 5, 10, 15 and 20 s.
  assert.equal(s.writes.length, 5);
  now += 60_000;
  r.update(overall(200), []);
  r.update(overall(200), []);
  assert.equal(s.writes.length, 5, 'nothing changed: nothing written, however long it has been');
  r.update(overall(201), [item({ label: 'x@h INBOX', state: 'failed', failed: 3, messagesDone: 201 }), item({ label: 'y@h \x1b]0;Sent', state: 'done' })]);
  r.update(overall(201), [item({ label: 'x@h INBOX', state: 'failed', failed: 3, messagesDone: 201 })]);
  r.log('avviso\x1b[31m rosso\tcolonna');
  r.update(overall(202), []);
  r.finish();
  r.finish();
  const text = s.text();
  assert.doesNotMatch(text, /\x1b/);
  assert.equal(text.match(/x@h INBOX/g)?.length, 1, 'one end line per item');
  assert.match(text, /x@h INBOX .*failed {2}3 failed\n/);
  assert.match(text, /y@h \?\]0;Sent .*done\n/);
  assert.match(text, /avviso\?\[31m rosso\tcolonna\n/);
  assert.match(text.trimEnd().split('\n').at(-1)!, /^totale .*202\/5,000/, 'finish() writes the final state');
});
