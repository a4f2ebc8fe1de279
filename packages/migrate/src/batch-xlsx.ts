/**
 * XLSX batch files: administrators keep mailbox lists in spreadsheets, and saving them as CSV
 * loses the encoding (Excel's plain CSV is Windows-1252) or splits cells on the separator.
 * The first worksheet is turned into rows of text cells and checked by the same
 * {@link validateBatchRecords} as CSV, so headers, messages and results are the same; row
 * numbers are the spreadsheet's.
 *
 * The file comes from outside, so before exceljs sees it the ZIP structure is checked here:
 * exceljs inflates every entry into memory, and a small archive that inflates to gigabytes
 * would end the process instead of giving an error.
 */
import { inflateRawSync } from 'node:zlib';
import type ExcelJS from 'exceljs';
import { clip } from './batch-options.ts';
import { batchFileError, parseBatchCsv, validateBatchRecords, type BatchFile, type BatchRecord } from './batch-file.ts';

/** Largest XLSX accepted: a 100,000-row batch saved by Excel is a few megabytes. */
export const MAX_XLSX_BYTES = 64 * 1024 * 1024;
/** Largest total of the archive's inflated entries, bounding the memory exceljs uses. */
const MAX_INFLATED_BYTES = 256 * 1024 * 1024;
const MAX_ZIP_ENTRIES = 10_000;
/** Far more than the 6 known columns plus notes. */
const MAX_COLUMNS = 64;

const RESAVE = 'open it in the spreadsheet program and save it again in the .xlsx format';

/** Reads the first worksheet of an XLSX workbook; never throws for bad content. */
export async function parseBatchXlsx(bytes: Uint8Array): Promise<BatchFile> {
  if (bytes.length > MAX_XLSX_BYTES) {
    return batchFileError(0, `spreadsheet of ${bytes.length} bytes, over the limit of ${MAX_XLSX_BYTES}`, 'BATCH_FILE_TOO_LARGE');
  }
  const zip = checkZip(bytes);
  if (zip) return zip;
  let sheet: ExcelJS.Worksheet | undefined;
  try {
    // Loaded only for spreadsheets: CSV batches and single copies start faster without it.
    const { default: Excel } = await import('exceljs');
    const wb = new Excel.Workbook();
    // Buffer.from over the same memory: exceljs wants a Buffer, copying would double the peak.
    await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length) as unknown as ArrayBuffer);
    sheet = wb.worksheets[0];
  } catch (err) {
    const why = err instanceof Error ? `: ${clip(err.message)}` : '';
    return batchFileError(0, `not a readable Excel workbook${why}; ${RESAVE}`);
  }
  if (!sheet) return batchFileError(0, `the workbook has no worksheet; ${RESAVE}`);

  const records: BatchRecord[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const fields: string[] = [];
    row.eachCell({ includeEmpty: false }, (cell, col) => {
      // A stray cell in column XFD must not make every row 16,384 cells long: cells past
      // MAX_COLUMNS share one slot, which still counts as a cell beyond the header.
      const text = cellText(cell.value, 0);
      if (col <= MAX_COLUMNS) fields[col - 1] = text;
      else if (text.trim() !== '') fields[MAX_COLUMNS] = text;
    });
    for (let i = 0; i < fields.length; i++) fields[i] ??= '';
    while (fields.length > 0 && fields[fields.length - 1]!.trim() === '') fields.pop();
    // Same rule as a CSV line starting with "#": no URL starts with it, so it is safe to skip.
    if ((fields[0] ?? '').startsWith('#')) return;
    records.push({ fields, line: rowNumber });
  });
  return validateBatchRecords(records, 'give every used column a header, or clear the cells to its right');
}

/**
 * The text a cell shows. Hyperlinks give their displayed text (Excel turns a typed imaps://
 * URL into one), formulas their cached result; a formula never calculated gives ''.
 */
export function cellText(value: unknown, depth: number): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  if (typeof value !== 'object' || depth > 3) return '';
  const v = value as Record<string, unknown>;
  if (Array.isArray(v.richText)) return v.richText.map((r: unknown) => cellText((r as { text?: unknown } | null)?.text, depth + 1)).join('');
  if ('hyperlink' in v) {
    const shown = cellText(v.text, depth + 1);
    return shown !== '' ? shown : cellText(v.hyperlink, depth + 1);
  }
  if ('formula' in v || 'sharedFormula' in v) return cellText(v.result, depth + 1);
  if (typeof v.error === 'string') return v.error;
  return '';
}

/** Chooses the format by content: a ZIP signature means XLSX, anything else is UTF-8 CSV. */
export async function parseBatchFile(name: string, bytes: Uint8Array): Promise<BatchFile> {
  const starts = (...sig: number[]): boolean => sig.every((b, i) => bytes[i] === b);
  if (starts(0x50, 0x4b, 0x03, 0x04) || starts(0x50, 0x4b, 0x05, 0x06)) return parseBatchXlsx(bytes);
  if (starts(0xd0, 0xcf, 0x11, 0xe0)) return batchFileError(0, `old binary Excel format (.xls); ${RESAVE}`);
  if (/\.xls[xm]$/i.test(name)) return batchFileError(0, `named like a workbook but not a ZIP archive (damaged or renamed); ${RESAVE}`);
  if (bytes.length > MAX_XLSX_BYTES) {
    return batchFileError(0, `CSV of ${bytes.length} bytes, over the limit of ${MAX_XLSX_BYTES}`, 'BATCH_FILE_TOO_LARGE');
  }
  // Excel's "Unicode text" is UTF-16; decoding it as UTF-8 would give one error per cell.
  if (starts(0xff, 0xfe) || starts(0xfe, 0xff)) return batchFileError(0, 'UTF-16 text; save it as "CSV UTF-8" or as .xlsx');
  if (bytes.includes(0)) return batchFileError(0, 'binary data, neither CSV text nor an .xlsx workbook');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Most likely Excel's plain "CSV", which is Windows-1252: accented letters would be lost.
    return batchFileError(0, 'not UTF-8 text; save it as "CSV UTF-8" or as .xlsx');
  }
  return parseBatchCsv(text);
}

/** Checks the ZIP central directory and inflates each entry with a cap; undefined when fine. */
function checkZip(bytes: Uint8Array): BatchFile | undefined {
  const bad = (detail: string): BatchFile => batchFileError(0, `${detail}; ${RESAVE}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number): number => view.getUint16(at, true);
  const u32 = (at: number): number => view.getUint32(at, true);
  // The end record is in the last 22 + 65,535 (longest comment) bytes.
  let end = -1;
  for (let i = bytes.length - 22; i >= 0 && i >= bytes.length - 22 - 0xffff; i--) {
    if (u32(i) === 0x06054b50) { end = i; break; }
  }
  if (end < 0) return bad('the ZIP archive is incomplete (truncated download or copy)');
  const count = u16(end + 10);
  const dirSize = u32(end + 12);
  const dirAt = u32(end + 16);
  if (count === 0) return bad('the ZIP archive is empty');
  if (count > MAX_ZIP_ENTRIES) return bad(`the ZIP archive has ${count} entries, too many for a workbook`);
  if (dirAt + dirSize > end) return bad('the ZIP archive is damaged (directory out of place)');
  let total = 0;
  for (let p = dirAt, k = 0; k < count; k++) {
    if (p + 46 > end || u32(p) !== 0x02014b50) return bad('the ZIP archive is damaged (bad directory entry)');
    const method = u16(p + 10);
    const packed = u32(p + 20);
    const size = u32(p + 24);
    const local = u32(p + 42);
    p += 46 + u16(p + 28) + u16(p + 30) + u16(p + 32);
    total += size;
    if (size === 0xffffffff || total > MAX_INFLATED_BYTES) {
      return batchFileError(0, `the workbook inflates to more than ${MAX_INFLATED_BYTES} bytes`, 'BATCH_FILE_TOO_LARGE');
    }
    if (local + 30 > dirAt || u32(local) !== 0x04034b50) return bad('the ZIP archive is damaged (bad entry header)');
    const from = local + 30 + u16(local + 26) + u16(local + 28);
    if (from + packed > dirAt) return bad('the ZIP archive is damaged (entry data out of place)');
    if (method === 0) continue;
    if (method !== 8) return bad(`the ZIP archive uses compression method ${method}, which Excel does not write`);
    try {
      // maxOutputLength stops inflating an entry that lies about its size (a ZIP bomb).
      inflateRawSync(bytes.subarray(from, from + packed), { maxOutputLength: Math.max(1, size) });
    } catch (err) {
      const tooBig = (err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError;
      if (tooBig) return batchFileError(0, 'an entry of the workbook inflates beyond its declared size', 'BATCH_FILE_TOO_LARGE');
      return bad('the ZIP archive is damaged (an entry does not inflate)');
    }
  }
  return undefined;
}
