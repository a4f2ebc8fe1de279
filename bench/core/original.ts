/** A realistic original of about `size` bytes: text plus a base64 attachment. */
export function originalOfSize(size: number): Buffer {
  const attachment = Buffer.alloc(Math.max(0, Math.floor((size - 600) * 0.74)));
  for (let i = 0; i < attachment.length; i++) attachment[i] = (i * 131 + 17) & 0xff;
  const b64 = attachment.toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from([
    'From: a@pec.bench.test', 'To: b@pec.bench.test', 'Subject: Bench', 'Message-ID: <bench.1@mua.test>',
    'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b"', '', '--b',
    'Content-Type: text/plain; charset=UTF-8', '', 'Documento in allegato.', '--b',
    'Content-Type: application/pdf; name="doc.pdf"', 'Content-Transfer-Encoding: base64', '', b64, '--b--', '',
  ].join('\r\n'));
}
