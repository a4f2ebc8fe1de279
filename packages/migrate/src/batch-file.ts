/**
 * Batch files for `recapito migrate batch FILE`: one mailbox per row, as CSV text (RFC 4180)
 * or as an XLSX sheet (batch-xlsx.ts); both end in {@link validateBatchRecords}, so the same
 * headers, checks and messages apply whatever the format.
 *
 * Tolerances beyond RFC 4180 that spreadsheets need: `;` or `,` separator (detected from the
 * header: Italian Excel writes `;`), LF as well as CRLF, a UTF-8 BOM, blank lines and `#`
 * comment lines. The whole file is checked and every error returned at once, each with its row
 * (the line where the record starts, as an editor shows it) and column.
 */
import { parseEndpoint, type Endpoint } from './endpoint.ts';
import { clip, parseCredentialRef, parseOptions, type BatchOptions, type CredentialRef } from './batch-options.ts';
import { MigrateError, MIGRATE_ERRORS, type MigrateErrorCode } from './errors.ts';

export interface BatchRow {
  readonly row: number;
  readonly source: Endpoint;
  readonly destination: Endpoint;
  readonly credentials: CredentialRef;
  /** From the optional destination-credentials column; absent means the engine's default. */
  readonly destinationCredentials?: CredentialRef;
  readonly options: BatchOptions;
}

export interface BatchProblem {
  /** The row as an editor or spreadsheet shows it; 0 when the file as a whole cannot be read. */
  readonly row: number;
  /** The header name as written in the file, when the problem is in one cell. */
  readonly column?: string;
  readonly code: MigrateErrorCode;
  readonly message: string;
}

export interface BatchFile {
  readonly rows: readonly BatchRow[];
  readonly errors: readonly BatchProblem[];
}

type Field = 'source' | 'destination' | 'credentials' | 'destinationCredentials' | 'options' | 'ignored';

/** Header names, compared lower-case with spaces, `-` and `_` removed. */
const COLUMNS: Record<string, Field> = {
  sorgente: 'source', source: 'source', origine: 'source', da: 'source', from: 'source',
  destinazione: 'destination', destination: 'destination', a: 'destination', to: 'destination',
  credenziali: 'credentials', credentials: 'credentials', credenzialisorgente: 'credentials', sourcecredentials: 'credentials',
  credenzialidestinazione: 'destinationCredentials', destinationcredentials: 'destinationCredentials',
  opzioni: 'options', options: 'options',
  note: 'ignored', notes: 'ignored', commento: 'ignored', comment: 'ignored',
};

/** One row of cells and the row number it starts on; `error` when the row could not be read. */
export interface BatchRecord { fields: string[]; line: number; error?: string }

/** Most data rows accepted: beyond this a run would take weeks and should be split anyway. */
export const MAX_BATCH_ROWS = 100_000;

/** Splits CSV text into records; linear in the text length. */
export function readCsv(text: string, sep: ',' | ';'): BatchRecord[] {
  const out: BatchRecord[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    // A comment line starts with "#"; its quotes mean nothing.
    if (text[i] === '#') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
      line++;
      continue;
    }
    const rec: BatchRecord = { fields: [], line };
    for (;;) {
      let value = '';
      if (text[i] === '"') {
        const start = line;
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) {
            rec.error = `quote opened on line ${start} is never closed`;
            line += count(text, '\n', i, n);
            value += text.slice(i);
            i = n;
            break;
          }
          line += count(text, '\n', i, q);
          value += text.slice(i, q);
          i = q + 1;
          if (text[i] === '"') { value += '"'; i++; } else break; // "" is one quote (RFC 4180 §2.7)
        }
        if (i < n && text[i] !== sep && text[i] !== '\r' && text[i] !== '\n') {
          rec.error ??= 'text after a closing quote; double the quotes inside a quoted field';
          while (i < n && text[i] !== sep && text[i] !== '\n' && !(text[i] === '\r' && text[i + 1] === '\n')) value += text[i++];
        }
      } else {
        let j = i;
        while (j < n && text[j] !== sep && text[j] !== '\n' && !(text[j] === '\r' && text[j + 1] === '\n')) j++;
        value = text.slice(i, j);
        if (value.includes('"')) rec.error ??= 'quote inside an unquoted field; enclose the field in quotes and double the inner quotes';
        i = j;
      }
      rec.fields.push(value);
      if (i < n && text[i] === sep) { i++; continue; }
      if (text[i] === '\r') i++;
      if (text[i] === '\n') { i++; line++; }
      break;
    }
    out.push(rec);
  }
  return out;
}

function count(s: string, ch: string, from: number, to: number): number {
  let c = 0;
  for (let k = s.indexOf(ch, from); k >= 0 && k < to; k = s.indexOf(ch, k + 1)) c++;
  return c;
}

/** The separator of the first non-comment line: whichever of `;` and `,` occurs more outside quotes. */
function detectSeparator(text: string): ',' | ';' {
  const lines = text.split('\n');
  const header = lines.find((l) => l.trim() !== '' && !l.startsWith('#')) ?? '';
  let semi = 0;
  let comma = 0;
  let quoted = false;
  for (const ch of header) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === ';') semi++;
    else if (!quoted && ch === ',') comma++;
  }
  return semi > comma ? ';' : ',';
}

const isBlank = (r: BatchRecord): boolean => r.fields.every((f) => f.trim() === '');

/** Parses a batch file given as text; never throws for bad content, returns all errors at once. */
export function parseBatchCsv(input: string): BatchFile {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  return validateBatchRecords(readCsv(text, detectSeparator(text)), 'quote cells containing the separator');
}

/** A file-level problem: the file holds no usable row at all. */
export function batchFileError(row: number, detail: string, code: 'BATCH_FILE_INVALID' | 'BATCH_FILE_TOO_LARGE' = 'BATCH_FILE_INVALID'): BatchFile {
  return { rows: [], errors: [{ row, code, message: `${MIGRATE_ERRORS[code]} (${detail})` }] };
}

/**
 * Checks rows of cells read from any format: the first non-blank one is the header.
 * `extraCellsHint` says how to fix a row with more cells than the header, which depends on the format.
 */
export function validateBatchRecords(all: readonly BatchRecord[], extraCellsHint: string): BatchFile {
  const records = all.filter((r) => !isBlank(r));
  const header = records.shift();
  if (!header) return batchFileError(1, 'no header row: expected sorgente/source, destinazione/destination, credenziali/credentials, opzioni/options');
  if (header.error) return batchFileError(header.line, header.error);

  const fields: Field[] = [];
  for (const name of header.fields) {
    const f = COLUMNS[name.toLowerCase().replace(/[\s_-]/g, '')];
    if (!f) return batchFileError(header.line, `unknown column "${clip(name)}"; known: sorgente, destinazione, credenziali, credenziali_destinazione, opzioni, note`);
    if (f !== 'ignored' && fields.includes(f)) return batchFileError(header.line, `column "${clip(name)}" given twice`);
    fields.push(f);
  }
  for (const need of ['source', 'destination', 'credentials'] as const) {
    if (!fields.includes(need)) return batchFileError(header.line, `missing column ${need}`);
  }
  const over = records[MAX_BATCH_ROWS];
  if (over) return batchFileError(over.line, `more than ${MAX_BATCH_ROWS.toLocaleString('en')} rows`, 'BATCH_FILE_TOO_LARGE');

  const errors: BatchProblem[] = [];
  const rows: BatchRow[] = [];
  const seenSource = new Map<string, number>();
  for (const rec of records) {
    const before = errors.length;
    const bad = (code: MigrateErrorCode, column: string | undefined, message: string): void => {
      errors.push({ row: rec.line, ...(column !== undefined ? { column } : {}), code, message });
    };
    if (rec.error) { bad('BATCH_ROW_INVALID', undefined, `${MIGRATE_ERRORS.BATCH_ROW_INVALID} (${rec.error})`); continue; }
    if (rec.fields.length > fields.length) {
      bad('BATCH_ROW_INVALID', undefined, `${MIGRATE_ERRORS.BATCH_ROW_INVALID} (${rec.fields.length} fields but the header has ${fields.length}; ${extraCellsHint})`);
      continue;
    }
    const cell = (f: Field): { value: string; column: string } => {
      const k = fields.indexOf(f);
      return { value: k < 0 ? '' : (rec.fields[k] ?? '').trim(), column: k < 0 ? f : (header.fields[k] ?? f).trim() };
    };
    const endpoint = (f: 'source' | 'destination'): Endpoint | undefined => {
      const { value, column } = cell(f);
      try {
        if (value === '') throw new MigrateError('BATCH_ROW_INVALID', 'empty cell');
        return parseEndpoint(value);
      } catch (err) {
        if (!(err instanceof MigrateError)) throw err;
        bad(err.code, column, err.message);
        return undefined;
      }
    };
    const source = endpoint('source');
    const destination = endpoint('destination');
    const credentials = credentialCell(cell('credentials'), true, bad);
    const destinationCredentials = credentialCell(cell('destinationCredentials'), false, bad);
    const opt = cell('options');
    const options = parseOptions(opt.value, (msg) => bad('BATCH_OPTION_INVALID', opt.column, msg));
    if (source) {
      const key = `${source.user.toLowerCase()}@${source.host}:${source.port}`;
      const first = seenSource.get(key);
      if (first !== undefined) bad('BATCH_DUPLICATE_SOURCE', cell('source').column, `${MIGRATE_ERRORS.BATCH_DUPLICATE_SOURCE} (first on row ${first})`);
      else seenSource.set(key, rec.line);
    }
    if (errors.length === before && source && destination && credentials && options) {
      rows.push({ row: rec.line, source, destination, credentials, ...(destinationCredentials ? { destinationCredentials } : {}), options });
    }
  }
  return { rows, errors };
}

/** Parses a credentials cell; the value is never echoed, since it might be a pasted password. */
function credentialCell(c: { value: string; column: string }, required: boolean, bad: (code: MigrateErrorCode, column: string, message: string) => void): CredentialRef | undefined {
  if (c.value === '') {
    if (required) bad('BATCH_CREDENTIALS_INVALID', c.column, `${MIGRATE_ERRORS.BATCH_CREDENTIALS_INVALID} (empty cell)`);
    return undefined;
  }
  try {
    return parseCredentialRef(c.value);
  } catch (err) {
    if (!(err instanceof MigrateError)) throw err;
    bad(err.code, c.column, err.message);
    return undefined;
  }
}
