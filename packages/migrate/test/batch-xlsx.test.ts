// XLSX batch files: real workbooks written by exceljs, the same results as CSV, hostile archives.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { parseBatchCsv, type BatchFile } from '../src/batch-file.ts';
import { parseBatchFile, parseBatchXlsx } from '../src/batch-xlsx.ts';

type Cell = ExcelJS.CellValue;

async function xlsx(rows: readonly (readonly Cell[])[], more?: (wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Caselle');
  rows.forEach((r, i) => { if (r.length > 0) ws.getRow(i + 1).values = [...r]; });
  more?.(wb);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

const summary = (f: BatchFile): string[] => f.errors.map((e) => `${e.row}:${e.column ?? '-'}:${e.code}`);

test('Italian headers, hyperlink, rich text, formula and numeric cells; comments and blank rows skipped; first sheet only', async () => {
  const url = 'imaps://protocollo@pec.comune.it@old.example.it';
  const bytes = await xlsx([
    ['Sorgente', 'Destinazione', 'Credenziali', 'Credenziali_Destinazione', 'Opzioni', 'Note'],
    [{ text: url, hyperlink: url }, { richText: [{ text: 'imaps://protocollo%40pec.comune.it' }, { text: '@new.example.it', font: { bold: true } }] },
      { formula: '"env:"&"PEC_1"', result: 'env:PEC_1' }, '', 'exclude=Archivio;mark=$Migrated', 42],
    ['# sospesa', 'x', 'y', 'z'],
    [],
    ['imaps://ragioneria@old.example.it:1143', ' imaps://ragioneria@new.example.it ', '/etc/recapito/pw', 'env:DEST', null, 3.5],
  ], (wb) => { wb.addWorksheet('Altro').addRow(['not', 'a', 'batch']); });
  const { rows, errors } = await parseBatchXlsx(bytes);
  assert.deepEqual(errors, []);
  assert.deepEqual(rows.map((r) => r.row), [2, 5], 'spreadsheet row numbers');
  const [a, b] = rows;
  assert.equal(a!.source.user, 'protocollo@pec.comune.it');
  assert.equal(a!.destination.host, 'new.example.it');
  assert.deepEqual(a!.credentials, { kind: 'env', name: 'PEC_1' });
  assert.equal(a!.destinationCredentials, undefined);
  assert.deepEqual(a!.options, { rules: [{ action: 'exclude', pattern: 'Archivio' }], mark: '$Migrated' });
  assert.equal(b!.source.port, 1143);
  assert.equal(b!.destination.host, 'new.example.it', 'cells are trimmed as in CSV');
  assert.deepEqual(b!.destinationCredentials, { kind: 'env', name: 'DEST' });
});

test('bad cells are reported with the spreadsheet row and the header as written, secrets not echoed', async () => {
  const bytes = await xlsx([
    ['sorgente', 'destinazione', 'credenziali', 'opzioni'],
    ['imaps://a@h1', 'imaps://a@h2', 'env:A', ''],
    ['imaps://b:Segreto1@h1', 'imaps://b@h2', 123456789, 'colore=blu'],
    ['imaps://c@h1', { formula: 'A1', result: undefined }, 'env:C'],
    ['imaps://d@h1', 'imaps://d@h2', 'env:D', '', 'in più'],
    ['imaps://e@h1', 'imaps://e@h2', { error: '#REF!' }],
  ]);
  const r = await parseBatchXlsx(bytes);
  assert.deepEqual(r.rows.map((x) => x.row), [2]);
  assert.deepEqual(summary(r), [
    '3:sorgente:URL_HAS_PASSWORD', '3:credenziali:BATCH_CREDENTIALS_INVALID', '3:opzioni:BATCH_OPTION_INVALID',
    '4:destinazione:BATCH_ROW_INVALID',
    '5:-:BATCH_ROW_INVALID',
    '6:credenziali:BATCH_CREDENTIALS_INVALID',
  ]);
  const all = r.errors.map((e) => e.message).join('\n');
  assert.doesNotMatch(all, /Segreto1|123456789/);
  assert.match(r.errors[4]!.message, /5 fields but the header has 4; give every used column a header/);
});

test('the same table as CSV and as XLSX gives the same rows and errors', async () => {
  const table = [
    ['source', 'destination', 'credentials', 'destination_credentials', 'options', 'note'],
    ['imaps://nicolò@città.it@h', 'imaps://x@k', './pw', '', 'include=Città 😀;under=Migrati', 'prima; poi'],
    ['imap://b@h1:1143', 'imaps://b@h2', '~/b.pw', 'env:DEST', '', ''],
    ['imaps://c@h1/INBOX', 'ftp://c@h2', 'hunter2', '', 'mark=a;mark=b', ''],
    ['imaps://B@H1:1143', 'imaps://d@h3', 'env:D', '', '', 'doppione'],
    ['imaps://e@h1', 'imaps://e@h2', 'C:\\segreti\\e', '', 'exclude=*', 'riga "citata"'],
  ];
  const quote = (s: string): string => (/[;"\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const csv = table.map((r) => r.map(quote).join(';')).join('\r\n');
  const fromCsv = parseBatchCsv(csv);
  const fromXlsx = await parseBatchXlsx(await xlsx(table));
  assert.equal(fromCsv.rows.length, 3);
  assert.equal(fromCsv.errors.length, 5);
  assert.deepEqual(fromXlsx, fromCsv);
  const viaFile = await parseBatchFile('caselle.csv', new TextEncoder().encode('\uFEFF' + csv));
  assert.deepEqual(viaFile, fromCsv);
});

test('parseBatchFile chooses by content, not by name', async () => {
  const table = [['sorgente', 'destinazione', 'credenziali'], ['imaps://a@h', 'imaps://a@k', 'env:A']];
  const book = await xlsx(table);
  for (const name of ['caselle.xlsx', 'caselle.csv', 'caselle']) {
    assert.deepEqual((await parseBatchFile(name, book)).rows.map((r) => r.row), [2], name);
  }
  const csv = new TextEncoder().encode(table.map((r) => r.join(',')).join('\n'));
  assert.equal((await parseBatchFile('caselle.txt', csv)).rows.length, 1);
  const one = async (name: string, bytes: Uint8Array, re: RegExp): Promise<void> => {
    const f = await parseBatchFile(name, bytes);
    assert.deepEqual(summary(f), ['0:-:BATCH_FILE_INVALID'], name);
    assert.match(f.errors[0]!.message, re, name);
  };
  await one('caselle.xlsx', csv, /not a ZIP archive/);
  await one('caselle.csv', Uint8Array.from([0x73, 0x6f, 0x72, 0x67, 0x65, 0x6e, 0x74, 0x65, 0x3b, 0xe0, 0x0a]), /not UTF-8.*CSV UTF-8/);
  await one('vecchio.xls', Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), /\.xls\)/);
  await one('unicode.txt', Uint8Array.from([0xff, 0xfe, 0x73, 0, 0x6f, 0]), /UTF-16/);
  await one('immagine.csv', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), /binary data/);
});

/** A ZIP archive written by hand, to make archives exceljs would never write. CRCs are left 0: nothing here checks them. */
function zip(entries: readonly { name: string; data: Uint8Array; deflate?: boolean; declared?: number }[]): Uint8Array {
  const parts: Buffer[] = [];
  const dir: Buffer[] = [];
  let at = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const data = e.deflate ? deflateRawSync(e.data) : Buffer.from(e.data);
    const size = e.declared ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(e.deflate ? 8 : 0, 8);
    local.writeUInt32LE(data.length, 18); local.writeUInt32LE(size, 22); local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(e.deflate ? 8 : 0, 10);
    central.writeUInt32LE(data.length, 20); central.writeUInt32LE(size, 24); central.writeUInt16LE(name.length, 28); central.writeUInt32LE(at, 42);
    parts.push(local, name, data);
    dir.push(central, name);
    at += 30 + name.length + data.length;
  }
  const dirBytes = Buffer.concat(dir);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dirBytes.length, 12); end.writeUInt32LE(at, 16);
  return new Uint8Array(Buffer.concat([...parts, dirBytes, end]));
}

test('hostile archives give a documented code, never an exception', async () => {
  const good = await xlsx([['sorgente', 'destinazione', 'credenziali'], ['imaps://a@h', 'imaps://a@k', 'env:A']]);
  const text = (s: string): Uint8Array => new TextEncoder().encode(s);
  const cases: [string, Uint8Array, string, RegExp?][] = [
    ['signature then garbage', Uint8Array.from([0x50, 0x4b, 3, 4, ...text('not really a zip at all')]), 'BATCH_FILE_INVALID', /incomplete/],
    ['truncated download', good.subarray(0, Math.floor(good.length / 2)), 'BATCH_FILE_INVALID', /incomplete/],
    ['cut just before the end record', good.subarray(0, good.length - 1), 'BATCH_FILE_INVALID'],
    ['empty archive', Uint8Array.from([0x50, 0x4b, 5, 6, ...new Array<number>(18).fill(0)]), 'BATCH_FILE_INVALID', /empty/],
    ['a zip that is no workbook', zip([{ name: 'leggimi.txt', data: text('ciao') }]), 'BATCH_FILE_INVALID', /no worksheet/],
    ['workbook without worksheets', new Uint8Array(await new ExcelJS.Workbook().xlsx.writeBuffer()), 'BATCH_FILE_INVALID', /no worksheet/],
    ['malformed sheet XML', zip([
      { name: '[Content_Types].xml', data: text('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>') },
      { name: 'xl/workbook.xml', data: text('<workbook><sheets><sheet name="A" sheetId="1" r:id="rId1"/></sheets>') },
      { name: 'xl/worksheets/sheet1.xml', data: text('<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>99</v></c></row><<<'), deflate: true },
    ]), 'BATCH_FILE_INVALID'],
    ['declared sizes over the limit', zip([{ name: 'xl/a.xml', data: text('x'), declared: 300 * 1024 * 1024 }]), 'BATCH_FILE_TOO_LARGE'],
    ['entry lying about its size (zip bomb)', zip([{ name: 'xl/a.xml', data: new Uint8Array(4 * 1024 * 1024), deflate: true, declared: 1000 }]), 'BATCH_FILE_TOO_LARGE'],
    ['unknown compression', (() => { const z = zip([{ name: 'a', data: text('x') }]); z[8] = 99; z[z.length - 22 - 47 + 10] = 99; return z; })(), 'BATCH_FILE_INVALID'],
  ];
  for (const [what, bytes, code, re] of cases) {
    const f = await parseBatchFile('caselle.xlsx', bytes);
    assert.equal(f.rows.length, 0, what);
    assert.deepEqual(f.errors.map((e) => e.code), [code], what);
    assert.ok(f.errors[0]!.message.length < 600 && !/\n\s+at /.test(f.errors[0]!.message), `${what}: short, no stack`);
    if (re) assert.match(f.errors[0]!.message, re, what);
  }
  const huge = new Uint8Array(64 * 1024 * 1024 + 1);
  huge.set([0x50, 0x4b, 3, 4]);
  assert.deepEqual(summary(await parseBatchXlsx(huge)), ['0:-:BATCH_FILE_TOO_LARGE']);
});

test('an empty sheet, a header alone, a stray cell far right', async () => {
  assert.deepEqual(summary(await parseBatchXlsx(await xlsx([]))), ['1:-:BATCH_FILE_INVALID']);
  assert.deepEqual(summary(await parseBatchXlsx(await xlsx([['sorgente', 'destinazione', 'credenziali']]))), []);
  const stray = await parseBatchXlsx(await xlsx([['sorgente', 'destinazione', 'credenziali'], ['imaps://a@h', 'imaps://a@k', 'env:A']], (wb) => {
    wb.getWorksheet('Caselle')!.getCell('XFD2').value = 'lontano';
  }));
  assert.deepEqual(summary(stray), ['2:-:BATCH_ROW_INVALID']);
});

test('more than 100,000 rows: one clear error naming the first row over the limit', async () => {
  const rows: Cell[][] = [['sorgente', 'destinazione', 'credenziali']];
  for (let i = 0; i < 100_001; i++) rows.push([`imaps://u${i}@h`, `imaps://u${i}@k`, `env:P${i}`]);
  const f = await parseBatchXlsx(await xlsx(rows));
  assert.deepEqual(summary(f), ['100002:-:BATCH_FILE_TOO_LARGE']);
  assert.match(f.errors[0]!.message, /more than 100,000 rows/);
  assert.equal(f.rows.length, 0);
});
