// Batch CSV files: RFC 4180 quoting, separators, Italian headers, per-cell errors, hostile input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBatchCsv, parseCredentialRef, MigrateError } from '../src/index.ts';

const HEADER_IT = 'sorgente;destinazione;credenziali;opzioni';

test('Italian header, ";" separator, BOM, CRLF, comments and blank lines', () => {
  const text = '\uFEFF# migrazione comune\r\n' + HEADER_IT + '\r\n\r\n'
    + 'imaps://protocollo@pec.comune.it@old.example.it;imaps://protocollo%40pec.comune.it@new.example.it;env:PEC_PROTOCOLLO;"exclude=Archivio;exclude=Archivio/*;mark=$Migrated"\r\n'
    + '# riga sospesa\r\n'
    + 'imap://ragioneria@old.example.it:1143;imaps://ragioneria@new.example.it;/etc/recapito/segreti/ragioneria;\r\n';
  const { rows, errors } = parseBatchCsv(text);
  assert.deepEqual(errors, []);
  assert.equal(rows.length, 2);
  const [a, b] = rows;
  assert.equal(a!.row, 4);
  assert.equal(a!.source.user, 'protocollo@pec.comune.it');
  assert.equal(a!.destination.host, 'new.example.it');
  assert.deepEqual(a!.credentials, { kind: 'env', name: 'PEC_PROTOCOLLO' });
  assert.deepEqual(a!.options, { rules: [{ action: 'exclude', pattern: 'Archivio' }, { action: 'exclude', pattern: 'Archivio/*' }], mark: '$Migrated' });
  assert.equal(b!.row, 6);
  assert.equal(b!.source.port, 1143);
  assert.deepEqual(b!.credentials, { kind: 'file', path: '/etc/recapito/segreti/ragioneria' });
  assert.deepEqual(b!.options, { rules: [] });
});

test('English header with "," separator, LF, any case, optional options column and destination credentials', () => {
  const text = 'Source , DESTINATION,Credentials,Destination_Credentials,Note\n'
    + 'imaps://a@h1,imaps://a@h2,./a.pw,env:DEST,"prima, poi"\n'
    + 'imaps://b@h1,imaps://b@h2,~/b.pw,,\n';
  const { rows, errors } = parseBatchCsv(text);
  assert.deepEqual(errors, []);
  assert.deepEqual(rows.map((r) => [r.credentials, r.destinationCredentials]), [
    [{ kind: 'file', path: './a.pw' }, { kind: 'env', name: 'DEST' }],
    [{ kind: 'file', path: '~/b.pw' }, undefined],
  ]);
  assert.deepEqual(rows[0]!.options, { rules: [] });
});

test('RFC 4180 quoting: doubled quotes, separators and line breaks inside quotes', () => {
  const text = 'source,destination,credentials,options,note\n'
    + '"imaps://a@h1","imaps://a@h2","./pw ""x"".txt","under=Migrati;include=Cartella, con virgola;include=""Citata""","nota\r\nsu due righe"\n'
    + 'imaps://b@h1,imaps://b@h2,./b,,\n';
  const { rows, errors } = parseBatchCsv(text);
  assert.deepEqual(errors, []);
  assert.equal(rows[0]!.credentials.kind === 'file' && rows[0]!.credentials.path, './pw "x".txt');
  assert.deepEqual(rows[0]!.options.rules.map((r) => r.pattern), ['Cartella, con virgola', '"Citata"']);
  assert.equal(rows[0]!.options.underFolder, 'Migrati');
  assert.equal(rows[1]!.row, 4, 'rows count physical lines, as an editor shows them');
});

test('every bad cell is reported with row and column, all at once, without echoing secrets', () => {
  const text = HEADER_IT + '\n'
    + 'imaps://a:Segreto1@h1;imaps://a@h2;env:A;\n'
    + 'imaps://b@h1/INBOX;ftp://b@h2;Segreto2!;colore=blu\n'
    + 'imaps://c@h1;imaps://c@h2;env:1BAD;"mark=$Mi grato;under="\n'
    + 'imaps://d@h1;imaps://d@h2;env:D;"mark=a;mark=b"\n'
    + 'imaps://D@H1;imaps://d@h3;env:D;\n'
    + ';;;\n'
    + 'imaps://e@h1;imaps://e@h2\n'
    + 'imaps://f@h1;imaps://f@h2;env:F;;extra\n'
    + 'imaps://g@h1;imaps://g@h2;env:G;\n';
  const { rows, errors } = parseBatchCsv(text);
  assert.deepEqual(rows.map((r) => r.row), [10]);
  const seen = errors.map((e) => `${e.row}:${e.column ?? '-'}:${e.code}`);
  assert.deepEqual(seen, [
    '2:sorgente:URL_HAS_PASSWORD',
    '3:sorgente:URL_HAS_PATH', '3:destinazione:URL_SCHEME_UNSUPPORTED', '3:credenziali:BATCH_CREDENTIALS_INVALID', '3:opzioni:BATCH_OPTION_INVALID',
    '4:credenziali:BATCH_CREDENTIALS_INVALID', '4:opzioni:BATCH_OPTION_INVALID', '4:opzioni:BATCH_OPTION_INVALID',
    '5:opzioni:BATCH_OPTION_INVALID',
    '6:sorgente:BATCH_DUPLICATE_SOURCE',
    '8:credenziali:BATCH_CREDENTIALS_INVALID',
    '9:-:BATCH_ROW_INVALID',
  ]);
  const all = errors.map((e) => e.message).join('\n');
  assert.doesNotMatch(all, /Segreto/);
  assert.match(errors.find((e) => e.code === 'BATCH_DUPLICATE_SOURCE')!.message, /first on row 5/);
});

test('file-level errors: no header, unknown or missing columns, unterminated quotes', () => {
  const one = (text: string): string => {
    const { rows, errors } = parseBatchCsv(text);
    assert.equal(rows.length, 0);
    assert.equal(errors.length, 1);
    return `${errors[0]!.row}:${errors[0]!.code}`;
  };
  assert.equal(one(''), '1:BATCH_FILE_INVALID');
  assert.equal(one('\uFEFF\n\n# solo commenti\n'), '1:BATCH_FILE_INVALID');
  assert.equal(one('sorgente;destinazione;password\n'), '1:BATCH_FILE_INVALID');
  assert.equal(one('sorgente;destinazione\n'), '1:BATCH_FILE_INVALID');
  assert.equal(one('sorgente;source;destinazione;credenziali\n'), '1:BATCH_FILE_INVALID');
  assert.equal(one('# c\n"sorgente;destinazione;credenziali\n'), '2:BATCH_FILE_INVALID');
  const r = parseBatchCsv('source,destination,credentials\nimaps://a@h,imaps://a@k,"./a\nimaps://b@h,imaps://b@k,./b\n');
  assert.deepEqual(r.errors.map((e) => `${e.row}:${e.code}`), ['2:BATCH_ROW_INVALID']);
  assert.match(r.errors[0]!.message, /never closed/);
  const stray = parseBatchCsv('source,destination,credentials\nimaps://a@h,imaps://a@k,./a"b\nimaps://b@h,imaps://b@k,"./b"x\n');
  assert.deepEqual(stray.errors.map((e) => `${e.row}:${e.code}`), ['2:BATCH_ROW_INVALID', '3:BATCH_ROW_INVALID']);
});

test('credential references: env or path, anything else refused', () => {
  assert.deepEqual(parseCredentialRef('env:PEC_1'), { kind: 'env', name: 'PEC_1' });
  assert.deepEqual(parseCredentialRef('ENV:x'), { kind: 'env', name: 'x' });
  for (const p of ['/srv/pw', './pw', '../pw', '~/pw', 'C:\\segreti\\pw', 'c:/pw', '\\\\server\\share\\pw', '.\\pw']) {
    assert.deepEqual(parseCredentialRef(p), { kind: 'file', path: p });
  }
  for (const v of ['hunter2', 'pw.txt', 'env:', 'env:A-B', 'env:A B', '/', '~', 'Password/1', '/pw\n', 'file:pw']) {
    assert.throws(() => parseCredentialRef(v), (e) => e instanceof MigrateError && e.code === 'BATCH_CREDENTIALS_INVALID' && (v.length < 6 || !e.message.includes(v)), v);
  }
});

test('hostile input: huge fields, odd Unicode, control characters', () => {
  const huge = 'x'.repeat(5_000_000);
  const r = parseBatchCsv(`source,destination,credentials,options\nimaps://a@h,imaps://a@k,./a,"include=${huge}"\nimaps://${huge}@h,imaps://b@k,./${huge}\n`);
  assert.deepEqual(r.errors.map((e) => `${e.row}:${e.column}:${e.code}`), ['2:options:BATCH_OPTION_INVALID', '3:source:URL_INVALID', '3:credentials:BATCH_CREDENTIALS_INVALID']);
  assert.ok(r.errors.every((e) => e.message.length < 600), 'messages stay short');
  const odd = parseBatchCsv('sorgente;destinazione;credenziali;opzioni\nimaps://nicolò@città.it@h;imaps://x@k;./pw\u202e;"include=Città 😀;mark=$Migrato"\nimaps://a\u0007@h;imaps://a@k;./pw;under=A\u0000B\n');
  assert.equal(odd.rows.length, 1);
  assert.equal(odd.rows[0]!.source.user, 'nicolò@città.it');
  assert.deepEqual(odd.errors.map((e) => `${e.row}:${e.column}:${e.code}`), ['3:sorgente:URL_INVALID', '3:opzioni:BATCH_OPTION_INVALID']);
  const hdr = parseBatchCsv('sorgente;dest\u0000inazione;credenziali\n');
  assert.match(hdr.errors[0]!.message, /dest\?inazione/);
});

test('100,000 rows parse (a quadratic parser would hit the test timeout)', () => {
  const lines = ['sorgente;destinazione;credenziali;opzioni'];
  for (let i = 0; i < 100_000; i++) lines.push(`imaps://utente${i}@ente${i % 97}.it@old.example.it;imaps://utente${i}%40ente${i % 97}.it@new.example.it:993;env:PW_${i};exclude=Archivio/*`);
  const text = lines.join('\r\n');
  const { rows, errors } = parseBatchCsv(text);
  assert.equal(errors.length, 0);
  assert.equal(rows.length, 100_000);
  assert.equal(rows[99_999]!.row, 100_001);
});

test('many unbalanced quotes stay linear', () => {
  const text = 'source,destination,credentials\n' + '"a""b,'.repeat(200_000);
  const { errors } = parseBatchCsv(text);
  assert.equal(errors.length, 1);
});
