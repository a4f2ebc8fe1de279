/**
 * The scan before a copy: both servers' folders are listed and mapped (folders.ts), missing
 * destination folders are created (parents first), and every selectable source folder is read
 * (metadata only) to know what is new since the last run and how much there is to copy.
 */
import { MigrateError } from '../errors.ts';
import { mapFolders, type SourceFolder, type SpecialUse } from '../folders.ts';
import type { ImapEndpoint } from '../imap/endpoint.ts';
import type { DataSession } from '../imap/raw/data-session.ts';
import type { FolderWork } from './copy-folder.ts';
import type { CopyOptions, FolderReport, JobMap, MailboxReport } from './types.ts';

const USES: readonly SpecialUse[] = ['\\Sent', '\\Drafts', '\\Trash', '\\Junk', '\\Archive'];

function specialUses(folders: readonly SourceFolder[]): Partial<Record<SpecialUse, string>> {
  const out: Partial<Record<SpecialUse, string>> = {};
  for (const use of USES) {
    const f = folders.find((x) => x.attributes.some((a) => a.toLowerCase() === use.toLowerCase()));
    if (f) out[use] = f.name;
  }
  return out;
}

export function emptyFolderReport(source: string, destination: string, messages: number, bytes: number): FolderReport {
  return {
    source, destination, messages, bytes, copied: 0, copiedBytes: 0, skipped: 0, rematched: 0, failed: 0, verified: 0,
    pecChecked: 0, pecIntact: 0, flagsDropped: 0, errors: [],
  };
}

/** A source folder to read and the destination folder it goes to. */
export interface FolderPlan { readonly source: string; readonly dest: string }

/**
 * The folders: both servers' lists mapped (folders.ts), excluded ones noted in the report,
 * missing destination folders created (parents first). Returns the selectable ones.
 */
export async function planFolders(src: ImapEndpoint, dst: ImapEndpoint, options: CopyOptions, report: MailboxReport): Promise<FolderPlan[]> {
  const sourceFolders = await src.listFolders();
  const destFolders = await dst.listFolders();
  const mapping = mapFolders(sourceFolders, {
    destDelimiter: destFolders.find((f) => f.delimiter)?.delimiter ?? '/',
    destSpecialUse: specialUses(destFolders),
    rules: options.rules,
    ...(options.underFolder !== undefined ? { underFolder: options.underFolder } : {}),
    ...(options.sourcePrefix !== undefined ? { sourcePrefix: options.sourcePrefix } : {}),
    ...(options.destPrefix !== undefined ? { destPrefix: options.destPrefix } : {}),
  });
  if (mapping.conflicts.length > 0) {
    const c = mapping.conflicts.map((x) => `${x.sources.join(' + ')} → ${x.dest}`).join('; ');
    throw new MigrateError('FOLDER_CONFLICT', c);
  }
  const existing = new Set(destFolders.map((f) => f.name));
  const plans = mapping.folders.flatMap((p) => {
    if (p.kind === 'excluded') { report.excluded.push(p.source); return []; }
    return [p];
  });
  // Parents before children: some servers refuse to create a child of a missing parent.
  for (const p of [...plans].sort((a, b) => (a.dest < b.dest ? -1 : a.dest > b.dest ? 1 : 0))) {
    if (!existing.has(p.dest)) {
      await dst.createFolder(p.dest);
      existing.add(p.dest);
    }
  }
  return plans.filter((p) => !p.noselect).map((p) => ({ source: p.source, dest: p.dest }));
}

/**
 * Reads every planned source folder (metadata only, one UID FETCH each on a data session) to
 * know what is new since the last run and how much there is to copy.
 */
export async function scanFolders(src: DataSession, plans: readonly FolderPlan[], map: JobMap, options: CopyOptions, report: MailboxReport): Promise<FolderWork[]> {
  const work: FolderWork[] = [];
  for (const p of plans) {
    options.signal?.throwIfAborted();
    const state = await src.examine(p.source);
    const done = await map.copiedUids(p.source, state.uidValidity);
    const messages = await src.listMessages(p.source);
    const bytes = messages.reduce((n, m) => n + m.size, 0);
    const todo = messages.filter((m) => !done.has(m.uid));
    const folderReport = emptyFolderReport(p.source, p.dest, messages.length, bytes);
    folderReport.skipped = messages.length - todo.length;
    report.folders.push(folderReport);
    work.push({ source: p.source, dest: p.dest, uidValidity: state.uidValidity, todo, report: folderReport });
  }
  return work;
}
