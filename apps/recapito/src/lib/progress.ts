/**
 * Progress of long migrations on a terminal or in a log. Formatting is pure and takes the clock
 * as an argument, so tests need no timers; {@link ProgressReporter} decides when to write.
 *
 * Sizes are decimal (1 KB = 1000 B), as transfer tools and disk vendors count: an administrator
 * comparing with a provider's quota page sees the same numbers.
 */

export interface ProgressItem {
  /** Identifies the item between updates (e.g. "user@host INBOX"), and is shown. */
  label: string;
  messagesDone: number;
  messagesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  /** Milliseconds, on the same clock as `now`. */
  startedAt: number;
  failed?: number;
  state?: 'running' | 'done' | 'failed' | 'waiting';
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** `0 B`, `999 B`, `1.5 KB`, `12.3 MB`, `1.02 GB`: three significant digits; `--` if not a size. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '--';
  if (n < 1000) return `${Math.round(n)} B`;
  let v = n;
  let u = 0;
  while (v >= 1000 && u < UNITS.length - 1) { v /= 1000; u++; }
  // 999.96 KB rounds to "1000 KB": carry it to "1 MB" so the width stays put.
  if (Number(v.toPrecision(3)) >= 1000 && u < UNITS.length - 1) { v /= 1000; u++; }
  return `${Number(v.toPrecision(3))} ${UNITS[u]}`;
}

/** `0:09`, `59:59`, `1:05:03`; `--:--` when unknown, negative or absurd (over 9999 hours). */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  if (s >= 9999 * 3600) return '--:--';
  const two = (x: number): string => String(x).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}

/** Rates and time left; rates are undefined until a second has passed and something moved. */
export function progressStats(item: ProgressItem, now: number): { msgRate?: number; byteRate?: number; etaSeconds?: number } {
  const elapsed = (now - item.startedAt) / 1000;
  if (!(elapsed >= 1)) return {};
  const msgRate = item.messagesDone > 0 ? item.messagesDone / elapsed : undefined;
  const byteRate = item.bytesDone > 0 ? item.bytesDone / elapsed : undefined;
  let etaSeconds: number | undefined;
  // Bytes predict better than messages: one 30 MB attachment takes as long as thousands of receipts.
  if (item.bytesTotal > 0 && byteRate) etaSeconds = Math.max(0, item.bytesTotal - item.bytesDone) / byteRate;
  else if (item.messagesTotal > 0 && msgRate) etaSeconds = Math.max(0, item.messagesTotal - item.messagesDone) / msgRate;
  return {
    ...(msgRate !== undefined && Number.isFinite(msgRate) ? { msgRate } : {}),
    ...(byteRate !== undefined && Number.isFinite(byteRate) ? { byteRate } : {}),
    ...(etaSeconds !== undefined && Number.isFinite(etaSeconds) ? { etaSeconds } : {}),
  };
}

const count = (n: number): string => (Number.isFinite(n) && n >= 0 ? Math.round(n).toLocaleString('en-US') : '?');
// Folder names come from the remote server: an ESC in one must not drive the terminal.
// eslint-disable-next-line no-control-regex
const printable = (s: string): string => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');

/** Cuts to `max` characters (code points, so no half surrogate pair), marking the cut with "…". */
function cut(s: string, max: number): string {
  const chars = Array.from(s);
  if (chars.length <= max) return s;
  return max <= 0 ? '' : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * One line, e.g. `INBOX  [#########.........]  1,234/5,000  120 MB/467 MB  85 msg/s  9.2 MB/s  ETA 0:44  2 failed`.
 * Never longer than `width` (pass Infinity for a log): the bar shrinks, the label is cut, the
 * rates and the bar are left out, in that order.
 */
export function progressLine(item: ProgressItem, now: number, width: number): string {
  const state = item.state ?? 'running';
  const st = progressStats(item, now);
  const head = [
    item.messagesTotal > 0 ? `${count(item.messagesDone)}/${count(item.messagesTotal)}` : count(item.messagesDone),
    item.bytesTotal > 0 ? `${formatBytes(item.bytesDone)}/${formatBytes(item.bytesTotal)}` : formatBytes(item.bytesDone),
  ];
  const rates = state === 'running'
    ? [`${st.msgRate === undefined ? '--' : st.msgRate < 10 ? st.msgRate.toFixed(1) : Math.round(st.msgRate)} msg/s`, `${st.byteRate === undefined ? '--' : formatBytes(st.byteRate)}/s`]
    : [];
  const end = [state === 'running' ? `ETA ${formatDuration(st.etaSeconds ?? NaN)}` : state, ...(item.failed && item.failed > 0 ? [`${count(item.failed)} failed`] : [])];
  const full = [...head, ...rates, ...end].join('  ');
  const short = [...head, ...end].join('  ');

  const frac = item.bytesTotal > 0 ? item.bytesDone / item.bytesTotal : item.messagesTotal > 0 ? item.messagesDone / item.messagesTotal : 0;
  const bar = (n: number): string => {
    const done = Math.round(Math.min(1, Math.max(0, Number.isFinite(frac) ? frac : 0)) * n);
    return `[${'#'.repeat(done)}${'.'.repeat(n - done)}]  `;
  };
  const label = printable(item.label);
  const w = Number.isFinite(width) ? Math.max(0, Math.floor(width)) : Infinity;
  const labelWant = Math.max(12, Array.from(label).length);
  // What matters most survives a narrow terminal: the label (it says what is moving), counts and
  // ETA; then the bar; the rates go first. Each step: [tail, bar length, shortest label].
  const steps: [string, number, number][] = [
    [full, 20, labelWant], [full, 15, labelWant], [full, 10, labelWant], [full, 10, 12], [short, 10, 12], [full, 0, 8], [short, 0, 8],
  ];
  for (const [tail, barLen, minLabel] of steps) {
    const fixed = (barLen > 0 ? barLen + 4 : 0) + 2 + tail.length; // bar with brackets and separator, separator, tail
    if (fixed + minLabel <= w) {
      const room = Math.min(labelWant, w - fixed);
      return `${cut(label, room).padEnd(room)}  ${barLen > 0 ? bar(barLen) : ''}${tail}`;
    }
  }
  return cut(`${label}  ${short}`, w);
}

export interface ProgressOut { write(s: string): unknown; isTTY?: boolean; columns?: number }

const MAX_ITEMS = 8;

/**
 * Writes progress at a bounded rate. On a terminal it redraws a block in place (overall, then up
 * to {@link MAX_ITEMS} running items); elsewhere (a log file, CI, a pipe) it writes plain lines,
 * only when something changed, so a night-long run leaves a readable log rather than megabytes.
 * Items that reach done or failed get a permanent line in both modes.
 */
export class ProgressReporter {
  private readonly tty: boolean;
  private readonly intervalMs: number;
  private readonly now: () => number;
  /** Lines of the block currently on screen, to move up over them. */
  private drawn = 0;
  private lastWrite = -Infinity;
  private lastKey = '';
  private latest: { overall: ProgressItem; items: readonly ProgressItem[] } | undefined;
  private readonly ended = new Set<string>();
  private finished = false;

  constructor(private readonly out: ProgressOut, opts: { intervalMs?: number; now?: () => number } = {}) {
    this.tty = out.isTTY === true;
    this.intervalMs = opts.intervalMs ?? (this.tty ? 200 : 5000);
    this.now = opts.now ?? Date.now;
  }

  update(overall: ProgressItem, items: readonly ProgressItem[]): void {
    if (this.finished) return;
    this.latest = { overall, items };
    const now = this.now();
    const endLines: string[] = [];
    for (const it of items) {
      if ((it.state === 'done' || it.state === 'failed') && !this.ended.has(it.label)) {
        this.ended.add(it.label);
        endLines.push(progressLine(it, now, this.tty ? this.width() : Infinity));
      }
    }
    if (endLines.length > 0) this.above(endLines);
    if (this.tty) {
      if (endLines.length > 0 || now - this.lastWrite >= this.intervalMs) this.draw(now);
    } else if (now - this.lastWrite >= this.intervalMs) this.plain(now);
  }

  /** A permanent line (a warning, a finished mailbox) above the progress block. */
  log(line: string): void {
    if (this.finished) { this.out.write(`${line}\n`); return; }
    this.above([line]);
    if (this.tty && this.latest) this.draw(this.now());
  }

  /** Leaves the last state printed; later updates are ignored. */
  finish(): void {
    if (this.finished) return;
    const now = this.now();
    if (this.tty) {
      if (this.latest) this.draw(now);
      this.drawn = 0;
    } else this.plain(now);
    this.finished = true;
  }

  /** Terminal width less one: writing the last column makes some terminals wrap early. */
  private width(): number {
    const c = this.out.columns;
    return (c !== undefined && Number.isFinite(c) && c > 1 ? Math.floor(c) : 80) - 1;
  }

  private above(lines: readonly string[]): void {
    // A log keeps the caller's line breaks and tabs but gets no escape sequence at all.
    // eslint-disable-next-line no-control-regex
    const text = lines.map((l) => `${this.tty ? l : l.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '?')}\n`).join('');
    if (this.tty && this.drawn > 0) {
      this.out.write(`\x1b[${this.drawn}A\r\x1b[J${text}`);
      this.drawn = 0;
    } else this.out.write(text);
  }

  private draw(now: number): void {
    if (!this.latest) return;
    const w = this.width();
    const running = this.latest.items.filter((i) => (i.state ?? 'running') === 'running');
    const lines = [progressLine(this.latest.overall, now, w), ...running.slice(0, MAX_ITEMS).map((i) => `  ${progressLine(i, now, w - 2)}`)];
    if (running.length > MAX_ITEMS) lines.push(cut(`  … and ${running.length - MAX_ITEMS} more running`, w));
    // One write per frame: pieces written separately would flicker.
    const up = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    this.out.write(`${up}\r${lines.map((l) => `\x1b[2K${l}\n`).join('')}\x1b[J`);
    this.drawn = lines.length;
    this.lastWrite = now;
  }

  private plain(now: number): void {
    if (!this.latest) return;
    const o = this.latest.overall;
    const key = [o.messagesDone, o.messagesTotal, o.bytesDone, o.bytesTotal, o.failed ?? 0, o.state ?? 'running'].join('/');
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.lastWrite = now;
    this.out.write(`${progressLine(o, now, Infinity)}\n`);
  }
}
