// Writer tests: output shape as providers write it, DTD validity checked with xmllint, round
// trip through the strict reader for every message type, refusal of invalid models.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RecapitoError } from '../errors.ts';
import { toLegalTime } from '../time/legal-time.ts';
import { DATICERT_TIPI, type Daticert, type DaticertTipo } from './model.ts';
import { readDaticert } from './read.ts';
import { writeDaticert } from './write.ts';

const DTD = fileURLToPath(new URL('../../dtd/daticert.dtd', import.meta.url));
const hasXmllint = spawnSync('xmllint', ['--version']).status === 0;

const base = (tipo: DaticertTipo, oggetto: string): Daticert => ({
  tipo,
  errore: 'nessuno',
  mittente: 'titolare@pec.example.it',
  destinatari: [
    { address: 'ufficio@pec.comune.example.it', tipo: 'certificato' },
    { address: 'esterno@posta.example.com', tipo: 'esterno' },
    { address: 'protocollo@pec.regione.example.it', tipo: 'certificato' },
  ],
  risposte: 'segreteria@pec.example.it',
  oggetto,
  gestoreEmittente: 'Recapito Test S.p.A. & Co. <"prova">',
  data: toLegalTime(new Date('2026-07-14T08:05:09Z')),
  identificativo: 'opec210312.20260714100509.12345.678.1.1@pec.example.it',
  msgid: '<a&b<c>"d\'@client.example>',
  ricezione: [],
});

/** One document per type, with the elements each message type carries (RFC 6109 §3 and files observed from providers). */
const FIXTURES: Record<DaticertTipo, Daticert> = {
  accettazione: base('accettazione', 'Perché è così? àèìòù € 💶'),
  'non-accettazione': {
    ...base('non-accettazione', 'Fattura <n. 42> & "allegati" \'vari\''),
    errore: 'altro',
    erroreEsteso: "5.7.0 - Recapito - il messaggio e' stato inviato senza cifratura del canale",
  },
  'presa-in-carico': {
    ...base('presa-in-carico', '日本語の件名 / 中文主题 / 한국어'),
    ricezione: ['ufficio@pec.comune.example.it', 'protocollo@pec.regione.example.it'],
  },
  'posta-certificata': { ...base('posta-certificata', '  spazi iniziali e finali  '), ricevuta: 'breve' },
  'avvenuta-consegna': {
    ...base('avvenuta-consegna', 'Emoji 👩‍💻🇮🇹 e ]]> e &amp; letterale'),
    ricevuta: 'completa',
    consegna: 'ufficio@pec.comune.example.it',
  },
  'errore-consegna': {
    ...base('errore-consegna', 'Riga uno\nriga due\r\ntab\there'),
    errore: 'no-dest',
    consegna: 'protocollo@pec.regione.example.it',
    erroreEsteso: '5.1.1 - Recapito Test - indirizzo non valido',
  },
  'preavviso-errore-consegna': {
    ...base('preavviso-errore-consegna', 'Oggetto qualunque'),
    consegna: 'ufficio@pec.comune.example.it',
    erroreEsteso: '4.4.7 - Recapito Test - tempo massimo superato (12 ore)',
  },
  'rilevazione-virus': {
    ...base('rilevazione-virus', 'Allegato sospetto'),
    errore: 'virus',
    consegna: 'ufficio@pec.comune.example.it',
    erroreEsteso: '5.7.1 - Recapito Test - presenza di un virus nel messaggio (Eicar-Test-Signature)',
  },
};

function xmllint(xml: string): { status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'daticert-'));
  try {
    const file = join(dir, 'daticert.xml');
    writeFileSync(file, xml, 'utf8');
    const r = spawnSync('xmllint', ['--noout', '--dtdvalid', DTD, file], { encoding: 'utf8' });
    return { status: r.status, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('there is one fixture per tipo', () => {
  assert.deepEqual(Object.keys(FIXTURES).sort(), [...DATICERT_TIPI].sort());
});

for (const tipo of DATICERT_TIPI) {
  const d = FIXTURES[tipo];
  test(`${tipo}: write then read gives back the same model`, () => {
    const xml = writeDaticert(d);
    assert.deepEqual(readDaticert(xml), d);
    assert.deepEqual(readDaticert(new TextEncoder().encode(xml)), d, 'same from UTF-8 bytes');
  });
  test(`${tipo}: the written document is valid against the DTD (xmllint --dtdvalid)`, { skip: !hasXmllint && 'xmllint not installed' }, () => {
    const r = xmllint(writeDaticert(d));
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
  });
}

test('xmllint really applies the DTD: an element out of order is refused', { skip: !hasXmllint && 'xmllint not installed' }, () => {
  const xml = writeDaticert(FIXTURES['avvenuta-consegna']).replace(
    /(<ricevuta [^>]*\/>)\n(\s*<consegna>[^<]*<\/consegna>)/, '$2\n$1');
  assert.notEqual(xml, writeDaticert(FIXTURES['avvenuta-consegna']));
  assert.notEqual(xmllint(xml).status, 0);
});

test('serialisation matches what providers write (declaration, indentation, self-closing ricevuta)', () => {
  const d: Daticert = {
    tipo: 'avvenuta-consegna', errore: 'nessuno', mittente: 'a@pec.example.it',
    destinatari: [{ address: 'b@pec.example.it', tipo: 'certificato' }], risposte: 'a@pec.example.it',
    oggetto: 'IT03339130126_00009.xml', gestoreEmittente: 'ESEMPIO PEC S.p.A.',
    data: { giorno: '13/11/2018', ora: '16:39:27', zona: '+0100' },
    identificativo: 'opec288.20181113163926.01838.310.1.63@pec.example.it',
    msgid: '<1542123565.9@host>', ricevuta: 'completa', consegna: 'b@pec.example.it', ricezione: [],
  };
  assert.equal(writeDaticert(d), [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<postacert tipo="avvenuta-consegna" errore="nessuno">',
    '    <intestazione>',
    '        <mittente>a@pec.example.it</mittente>',
    '        <destinatari tipo="certificato">b@pec.example.it</destinatari>',
    '        <risposte>a@pec.example.it</risposte>',
    '        <oggetto>IT03339130126_00009.xml</oggetto>',
    '    </intestazione>',
    '    <dati>',
    '        <gestore-emittente>ESEMPIO PEC S.p.A.</gestore-emittente>',
    '        <data zona="+0100">',
    '            <giorno>13/11/2018</giorno>',
    '            <ora>16:39:27</ora>',
    '        </data>',
    '        <identificativo>opec288.20181113163926.01838.310.1.63@pec.example.it</identificativo>',
    '        <msgid>&lt;1542123565.9@host&gt;</msgid>',
    '        <ricevuta tipo="completa" />',
    '        <consegna>b@pec.example.it</consegna>',
    '    </dati>',
    '</postacert>',
    '',
  ].join('\n'));
});

test('text is escaped: &, <, > always; CR as a character reference; no DOCTYPE', () => {
  const xml = writeDaticert(FIXTURES['errore-consegna']);
  assert.ok(!xml.includes('<!DOCTYPE'));
  assert.match(xml, /<msgid>&lt;a&amp;b&lt;c&gt;"d'@client\.example&gt;<\/msgid>/);
  assert.match(xml, /<oggetto>Riga uno\nriga due&#13;\ntab\there<\/oggetto>/);
  assert.match(xml, /<gestore-emittente>Recapito Test S\.p\.A\. &amp; Co\. &lt;"prova"&gt;<\/gestore-emittente>/);
  assert.ok(!writeDaticert(FIXTURES['avvenuta-consegna']).includes(']]>'));
});

test('optional elements are omitted when absent; an empty subject is kept as empty', () => {
  const { oggetto: _o, msgid: _m, ...rest } = FIXTURES.accettazione;
  const xml = writeDaticert(rest);
  assert.ok(!xml.includes('<oggetto>') && !xml.includes('<msgid>') && !xml.includes('<ricevuta'));
  assert.deepEqual(readDaticert(xml), rest);
  const empty = { ...FIXTURES.accettazione, oggetto: '' };
  assert.match(writeDaticert(empty), /<oggetto><\/oggetto>/);
  assert.deepEqual(readDaticert(writeDaticert(empty)), empty);
});

function assertCode(fn: () => unknown, code: string, pattern?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof RecapitoError, `RecapitoError expected, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
}

test('characters XML 1.0 cannot carry are refused with DATICERT_INVALID_CHAR', () => {
  const bad = ['\u0000', '\u0001', '\u001b', '\uFFFE', '\uFFFF', '\uD800', 'x\uDC00y'];
  for (const ch of bad) {
    assertCode(() => writeDaticert({ ...FIXTURES.accettazione, oggetto: `a${ch}b` }), 'DATICERT_INVALID_CHAR', /<oggetto>.*U\+/);
  }
  assertCode(() => writeDaticert({ ...FIXTURES.accettazione, erroreEsteso: 'x\u0007' }), 'DATICERT_INVALID_CHAR', /errore-esteso/);
});

test('invalid models are refused with a clear DATICERT_INVALID or DATICERT_BAD_TIME', () => {
  const a = FIXTURES.accettazione;
  const cases: [Partial<Record<keyof Daticert, unknown>>, string, RegExp][] = [
    [{ tipo: 'ricevuta' }, 'DATICERT_INVALID', /postacert\/@tipo/],
    [{ errore: 'grave' }, 'DATICERT_INVALID', /postacert\/@errore/],
    [{ mittente: '' }, 'DATICERT_INVALID', /<mittente> is empty/],
    [{ mittente: ' a@b.it' }, 'DATICERT_INVALID', /whitespace/],
    [{ destinatari: [] }, 'DATICERT_INVALID', /at least one <destinatari>/],
    [{ destinatari: [{ address: 'x@y.it', tipo: 'pec' }] }, 'DATICERT_INVALID', /<destinatari> #1 @tipo/],
    [{ risposte: undefined }, 'DATICERT_INVALID', /<risposte>/],
    [{ gestoreEmittente: '' }, 'DATICERT_INVALID', /gestore-emittente/],
    [{ identificativo: 'a\nb' }, 'DATICERT_INVALID', /line break/],
    [{ msgid: 'senza-parentesi@host' }, 'DATICERT_INVALID', /angle brackets/],
    [{ ricevuta: 'lunga' }, 'DATICERT_INVALID', /<ricevuta> @tipo/],
    [{ ricezione: ['ok@x.it', ''] }, 'DATICERT_INVALID', /<ricezione> #2/],
    [{ data: { giorno: '2026-07-14', ora: '10:05:09', zona: '+0200' } }, 'DATICERT_BAD_TIME', /giorno/],
    [{ data: { giorno: '31/02/2026', ora: '10:05:09', zona: '+0200' } }, 'DATICERT_BAD_TIME', /calendar/],
    [{ data: { giorno: '14/07/2026', ora: '24:00:00', zona: '+0200' } }, 'DATICERT_BAD_TIME', /ora/],
    [{ data: { giorno: '14/07/2026', ora: '10:05:09', zona: '+02:00' } }, 'DATICERT_BAD_TIME', /zona/],
  ];
  for (const [patch, code, pattern] of cases) {
    assertCode(() => writeDaticert({ ...a, ...patch } as Daticert), code, pattern);
  }
});
