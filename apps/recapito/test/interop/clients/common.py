"""Shared pieces of the interop client scripts (Python standard library only).

- the test messages, identical for every server;
- an imaplib connection that records the raw server stream, and a parser of IMAP responses;
- normalization of what is server-specific (UIDVALIDITY, MODSEQ, dates of now, free text);
- modified UTF-7 (RFC 3501 section 5.1.3) for mailbox names.
"""
import argparse
import base64
import datetime
import hashlib
import imaplib
import json
import re
import socket
import ssl
import sys

CRLF = b'\r\n'

# Capabilities the issue names: transcripts compare these only (servers may offer more).
IMAP_NAMED = {
    'IMAP4REV1', 'IDLE', 'UIDPLUS', 'MOVE', 'SPECIAL-USE', 'NAMESPACE', 'ID', 'ENABLE', 'UNSELECT',
    'LITERAL+', 'QUOTA', 'CONDSTORE', 'AUTH=PLAIN', 'STARTTLS', 'LOGINDISABLED',
}
POP3_NAMED = {'TOP', 'UIDL', 'USER', 'STLS', 'SASL'}


def args_parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument('--host', default='127.0.0.1')
    p.add_argument('--imap-port', type=int, required=True, help='plain port (STARTTLS)')
    p.add_argument('--imaps-port', type=int, required=True, help='implicit TLS port')
    p.add_argument('--user', required=True)
    p.add_argument('--password-file', required=True)
    p.add_argument('--cafile', required=True)
    return p


def read_password(path):
    with open(path, 'rb') as f:
        return f.read().decode('utf-8').rstrip('\r\n')


def tls_context(cafile):
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.check_hostname = False  # the certificate names localhost; we connect to 127.0.0.1 (also in it)
    return ctx


def sha(b):
    return hashlib.sha256(b).hexdigest()


# ---------------------------------------------------------------------------- test messages

def _lines(*ls):
    return CRLF.join(x.encode('utf-8') if isinstance(x, str) else x for x in ls) + CRLF


def messages():
    """The corpus: name -> raw bytes (CRLF line ends, as IMAP carries them)."""
    pdf = bytes((i * 37 + 11) % 256 for i in range(3000))
    att = base64.encodebytes(pdf).replace(b'\n', CRLF).rstrip(CRLF).decode('ascii')
    return {
        'riunione': _lines(
            'From: Alice Rossi <alice@pec.example.test>',
            'To: Bruno Bianchi <bruno@pec.example.test>',
            'Subject: =?UTF-8?Q?Riunione_di_luned=C3=AC?=',
            'Date: Mon, 12 Jan 2026 09:30:00 +0100',
            'Message-ID: <riunione-1@pec.example.test>',
            'MIME-Version: 1.0',
            'Content-Type: text/plain; charset=UTF-8',
            'Content-Transfer-Encoding: 8bit',
            '',
            'Ciao Bruno,',
            'la riunione in città è spostata a lunedì alle 10.',
            'A presto,',
            'Alice',
        ),
        'allegato': _lines(
            'From: Carla Verdi <carla@pec.example.test>',
            'To: Alice Rossi <alice@pec.example.test>, Bruno Bianchi <bruno@pec.example.test>',
            'Cc: Dario Neri <dario@pec.example.test>',
            'Subject: Fattura con allegato',
            'Date: Tue, 03 Feb 2026 14:05:00 +0100',
            'Message-ID: <allegato-2@pec.example.test>',
            'In-Reply-To: <riunione-1@pec.example.test>',
            'MIME-Version: 1.0',
            'Content-Type: multipart/mixed; boundary="==confine=="',
            '',
            'This is a multi-part message in MIME format.',
            '--==confine==',
            'Content-Type: text/plain; charset=UTF-8',
            'Content-Transfer-Encoding: quoted-printable',
            '',
            'In allegato la fattura di febbraio. Perch=C3=A9 no?',
            '',
            '--==confine==',
            'Content-Type: application/pdf; name="fattura.pdf"',
            'Content-Transfer-Encoding: base64',
            'Content-Disposition: attachment; filename="fattura.pdf"',
            '',
            att,
            '--==confine==--',
        ),
        'prova': _lines(
            'From: bruno@pec.example.test',
            'To: alice@pec.example.test',
            'Subject: Prova di consegna',
            'Date: Sat, 28 Feb 2026 23:59:59 +0000',
            'Message-ID: <prova-3@pec.example.test>',
            '',
            'Solo testo ASCII.',
        ),
        'alternativa': _lines(
            'From: "Elena Gialli" <elena@pec.example.test>',
            'To: alice@pec.example.test',
            'Subject: Newsletter di marzo',
            'Date: Sun, 01 Mar 2026 08:00:00 +0100',
            'Message-ID: <alt-4@pec.example.test>',
            'MIME-Version: 1.0',
            'Content-Type: multipart/alternative; boundary="alt"',
            '',
            '--alt',
            'Content-Type: text/plain; charset=us-ascii',
            '',
            'Versione testo.',
            '--alt',
            'Content-Type: text/html; charset=us-ascii',
            '',
            '<p>Versione <b>HTML</b>.</p>',
            '--alt--',
        ),
    }


def big_message(size):
    """A deterministic message of about `size` bytes (base64 body, 76-column lines)."""
    head = _lines('From: archivio@pec.example.test', 'To: alice@pec.example.test', 'Subject: Messaggio grande',
                  'Date: Wed, 04 Mar 2026 12:00:00 +0100', 'Message-ID: <grande@pec.example.test>', 'MIME-Version: 1.0',
                  'Content-Type: application/octet-stream', 'Content-Transfer-Encoding: base64', '')
    raw = hashlib.sha256(b'seed').digest() * ((size * 3 // 4) // 32 + 1)
    body = base64.encodebytes(raw[: size * 3 // 4]).replace(b'\n', CRLF)
    return head + body


# ---------------------------------------------------------------------------- modified UTF-7

def mutf7_encode(s):
    out, buf = [], []

    def flush():
        if buf:
            b = ''.join(buf).encode('utf-16-be')
            out.append('&' + base64.b64encode(b).decode('ascii').rstrip('=').replace('/', ',') + '-')
            buf.clear()
    for ch in s:
        if 0x20 <= ord(ch) <= 0x7e:
            flush()
            out.append('&-' if ch == '&' else ch)
        else:
            buf.append(ch)
    flush()
    return ''.join(out)


def mutf7_decode(s):
    def dec(m):
        if m.group(1) == '':
            return '&'
        b64 = m.group(1).replace(',', '/')
        return base64.b64decode(b64 + '=' * (-len(b64) % 4)).decode('utf-16-be')
    return re.sub(r'&([^-]*)-', dec, s)


def quote(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


# ---------------------------------------------------------------------------- IMAP parsing

class Literal(bytes):
    """A string that came as a literal (kept apart only for debugging; compares as bytes)."""


def tokenize(data, i=0, end_at=None):
    """Parses IMAP tokens from data[i:]; returns (list, i). Lists are Python lists, NIL is None,
    strings are bytes, atoms are str (with any [section]<partial> kept in the atom)."""
    out = []
    n = len(data)
    while i < n:
        c = data[i:i + 1]
        if c == b' ':
            i += 1
        elif c == b'\r' or c == b'\n':
            break
        elif c == b'(':
            sub, i = tokenize(data, i + 1, b')')
            out.append(sub)
        elif c == b')':
            if end_at == b')':
                return out, i + 1
            i += 1
        elif c == b'"':
            j = i + 1
            buf = bytearray()
            while j < n and data[j:j + 1] != b'"':
                if data[j:j + 1] == b'\\':
                    j += 1
                buf += data[j:j + 1]
                j += 1
            out.append(bytes(buf))
            i = j + 1
        elif c == b'{' or (c == b'~' and data[i + 1:i + 2] == b'{'):
            j = data.index(b'}', i)
            size = int(data[data.index(b'{', i) + 1:j].rstrip(b'+'))
            start = data.index(b'\n', j) + 1
            out.append(Literal(data[start:start + size]))
            i = start + size
        else:
            j = i
            depth = 0
            while j < n:
                d = data[j:j + 1]
                if d == b'[':
                    depth += 1
                elif d == b']':
                    depth -= 1
                elif depth == 0 and d in (b' ', b')', b'(', b'\r', b'\n'):
                    break
                j += 1
            atom = data[i:j].decode('utf-8', 'replace')
            out.append(None if atom.upper() == 'NIL' else atom)
            i = j
    return out, i


def split_responses(raw):
    """Splits a raw server stream into responses (each with its literals inline)."""
    out = []
    i = 0
    while i < len(raw):
        start = i
        while True:
            j = raw.index(b'\n', i) if b'\n' in raw[i:] else len(raw)
            line = raw[i:j + 1]
            m = re.search(rb'\{(\d+)\+?\}\r?\n$', line)
            if m:
                i = j + 1 + int(m.group(1))
                continue
            i = j + 1
            break
        out.append(bytes(raw[start:i]))
    return out


def parse_status(resp):
    """'tag OK [CODE args] text' -> (status, code tokens or None, text)."""
    m = re.match(rb'^(\S+) (\S+)(?: (.*))?\r?\n?$', resp, re.S)
    if not m:
        return None, None, ''
    status = m.group(2).decode().upper()
    rest = m.group(3) or b''
    code = None
    if rest.startswith(b'['):
        depth = 0
        for k, ch in enumerate(rest):
            if ch == 0x5b:
                depth += 1
            elif ch == 0x5d:
                depth -= 1
                if depth == 0:
                    code = tokenize(rest[1:k])[0]
                    rest = rest[k + 1:].lstrip()
                    break
    return status, code, rest.decode('utf-8', 'replace').strip()


class RecordingMixin:
    """Keeps every byte the server sends in self.raw (imaplib reads lines and literals only
    through readline() and read())."""

    def readline(self):
        line = super().readline()
        self.raw += line
        return line

    def read(self, size):
        d = super().read(size)
        self.raw += d
        return d


class IMAPS(RecordingMixin, imaplib.IMAP4_SSL):
    def __init__(self, host, port, ctx):
        self.raw = bytearray()
        super().__init__(host, port, ssl_context=ctx, timeout=30)


class IMAPPlain(RecordingMixin, imaplib.IMAP4):
    """Plain connection from 127.0.0.2: a client that is not the server's own address, so a
    server that trusts same-address loopback connections still asks for STARTTLS first."""
    source = '127.0.0.2'

    def __init__(self, host, port):
        self.raw = bytearray()
        super().__init__(host, port, timeout=30)

    def _create_socket(self, timeout):
        try:
            return socket.create_connection((self.host, self.port), timeout, source_address=(self.source, 0))
        except OSError:
            return socket.create_connection((self.host, self.port), timeout)


def out(obj):
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True) + '\n')


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc)
