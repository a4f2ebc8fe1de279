/**
 * Runs one mailbox's copy for the CLI: opens the job in the state store, connects both sides
 * (through per-host limits in a batch), feeds the progress display and returns the report.
 */
import type { Store } from '@recapito/store';
import { bindJob, copyMailbox, DataSession, openEndpoint, type CopyEvent, type CopyOptions, type Endpoint, type HostLimits, type MailboxReport, type OpenOptions } from '@recapito/migrate';
import { ProgressReporter, type ProgressItem } from './progress.ts';
import { jobKey, showEndpoint } from './migrate-state.ts';

export interface MailboxTask {
  readonly source: Endpoint;
  readonly destination: Endpoint;
  readonly sourcePassword: string;
  readonly destPassword: string;
  readonly copy: Omit<CopyOptions, 'onEvent' | 'signal'>;
  readonly jobName?: string;
}

/**
 * Progress of many mailboxes (a batch: one line each) or of one (one line per folder), plus
 * the overall line; plain lines when stderr is not a terminal.
 */
export class MigrationProgress {
  readonly #reporter: ProgressReporter | undefined;
  readonly #overall: ProgressItem = { label: 'totale / total', messagesDone: 0, messagesTotal: 0, bytesDone: 0, bytesTotal: 0, startedAt: Date.now() };
  readonly #items = new Map<string, ProgressItem>();
  readonly #perFolder: boolean;

  constructor(enabled: boolean, perFolder: boolean) {
    this.#perFolder = perFolder;
    if (enabled) this.#reporter = new ProgressReporter(process.stderr);
  }

  #item(label: string): ProgressItem {
    let it = this.#items.get(label);
    if (!it) this.#items.set(label, (it = { label, messagesDone: 0, messagesTotal: 0, bytesDone: 0, bytesTotal: 0, startedAt: Date.now(), state: 'running' }));
    return it;
  }

  /** The event handler of one mailbox. */
  handler(mailbox: string): (e: CopyEvent) => void {
    return (e) => {
      const o = this.#overall;
      if (e.type === 'planned') {
        o.messagesTotal += e.messages;
        o.bytesTotal += e.bytes;
        if (this.#perFolder) for (const f of e.folders) Object.assign(this.#item(f.source), { messagesTotal: f.messages, bytesTotal: f.bytes });
        else Object.assign(this.#item(mailbox), { messagesTotal: e.messages, bytesTotal: e.bytes });
      } else if (e.type === 'progress') {
        o.messagesDone++;
        o.bytesDone += e.bytes;
        const it = this.#item(this.#perFolder ? e.folder : mailbox);
        it.messagesDone++;
        it.bytesDone += e.bytes;
      } else if (e.type === 'folder-done' && this.#perFolder) {
        Object.assign(this.#item(e.folder.source), { state: e.folder.error || e.folder.failed ? 'failed' : 'done', failed: e.folder.failed });
      } else if (e.type === 'warning') {
        this.#reporter?.log(`${mailbox}: [${e.code}] ${e.message}`);
      } else if (e.type === 'retry') {
        this.#reporter?.log(`${mailbox} ${e.folder}: ${e.reason}, retry ${e.attempt} in ${(e.delayMs / 1000).toFixed(1)} s`);
      }
      this.#reporter?.update(o, [...this.#items.values()]);
    };
  }

  mailboxDone(mailbox: string, report: MailboxReport): void {
    if (this.#perFolder) return;
    Object.assign(this.#item(mailbox), { state: report.status === 'success' ? 'done' : 'failed' });
    this.#reporter?.update(this.#overall, [...this.#items.values()]);
  }

  finish(): void {
    this.#reporter?.finish();
  }
}

export interface RunContext {
  readonly store: Store;
  readonly open: OpenOptions;
  readonly hostLimits?: HostLimits;
  readonly progress: MigrationProgress;
  readonly signal: AbortSignal;
}

const hostPort = (e: Endpoint): string => `${e.host}:${e.port}`;

/** A failed connection names its side: with both mailboxes on one server, which login failed? */
async function side<T>(which: 'source' | 'destination', url: string, opening: Promise<T>): Promise<T> {
  try {
    return await opening;
  } catch (err) {
    if (err instanceof Error) err.message = `${which} ${url}: ${err.message}`;
    throw err;
  }
}

export async function runMailbox(task: MailboxTask, ctx: RunContext): Promise<MailboxReport> {
  const source = showEndpoint(task.source);
  const destination = showEndpoint(task.destination);
  const job = await ctx.store.migrations.openJob(jobKey(task.source, task.destination, task.copy.underFolder, task.jobName), source, destination);
  const limits = ctx.hostLimits;
  const report = await copyMailbox({
    source, destination,
    connectSource: () => side('source', source, openEndpoint(task.source, task.sourcePassword, ctx.open)),
    connectDest: () => side('destination', destination, openEndpoint(task.destination, task.destPassword, ctx.open)),
    dataSource: () => side('source', source, DataSession.open(task.source, task.sourcePassword, ctx.open)),
    dataDest: () => side('destination', destination, DataSession.open(task.destination, task.destPassword, ctx.open)),
    map: bindJob(ctx.store.migrations, job.id),
    options: { ...task.copy, signal: ctx.signal, onEvent: ctx.progress.handler(source) },
    ...(limits ? { reserveLane: () => limits.acquire([hostPort(task.source), hostPort(task.destination)]) } : {}),
  });
  ctx.progress.mailboxDone(source, report);
  return report;
}

/** An AbortSignal fired by SIGINT or SIGTERM: the run stops between two messages, resumable. */
export function interruptSignal(): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const stop = (): void => ac.abort(Object.assign(new Error('interrupted: run the same command again to resume'), { code: 'INTERRUPTED' }));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return { signal: ac.signal, dispose: () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); } };
}
