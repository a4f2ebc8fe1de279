#!/usr/bin/env python3
"""Reads a whole IMAP mailbox, read-only, and prints what a migration must have kept.

An independent check of the migration tests and bench: Python's standard imaplib only, sharing
no code with Recapito nor with the tool under test. Folders are opened with EXAMINE and bodies
fetched with BODY.PEEK[] (RFC 3501 6.3.2, 6.4.5), so reading changes nothing, not even \\Seen.

  IMAP_DUMP_PASSWORD=... imap_dump.py --host 127.0.0.1 --port 143 --user U [--tls starttls] [--cafile CA]

Prints {"folders": {"<Unicode name>": [{"uid", "sha256", "size", "flags", "internaldate",
"body_sha256", "header_names"}]}}, messages in UID order, flags sorted without \\Recent (it belongs to a session, RFC 3501 2.3.2),
internaldate in epoch seconds. Bodies are fetched in chunks of a bounded size and only their
hash is kept, so 20 MB messages and mailboxes of several GB fit in little memory.
"""
import argparse
import base64
import datetime as dt
import hashlib
import imaplib
import json
import os
import re
import ssl
import sys

CHUNK_BYTES = 32 * 1024 * 1024
CHUNK_MESSAGES = 500
# imaplib refuses response lines over 1 MB by default; FETCH of many messages can exceed it.
imaplib._MAXLINE = 64 * 1024 * 1024


def mutf7_decode(name):
    """Modified UTF-7 (RFC 3501 5.1.3) to Unicode."""
    def one(m):
        b64 = m.group(1)
        if b64 == '':
            return '&'
        raw = base64.b64decode(b64.replace(',', '/') + '=' * (-len(b64) % 4))
        return raw.decode('utf-16-be')
    return re.sub(r'&([^-]*)-', one, name)


def quote(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def connect(a, password):
    ctx = ssl.create_default_context(cafile=a.cafile) if a.cafile else ssl._create_unverified_context()
    if a.tls == 'ssl':
        m = imaplib.IMAP4_SSL(a.host, a.port, ssl_context=ctx, timeout=120)
    else:
        m = imaplib.IMAP4(a.host, a.port, timeout=120)
        if a.tls == 'starttls':
            m.starttls(ssl_context=ctx)
    m.login(a.user, password)
    return m


LIST_RE = re.compile(rb'^\((?P<attrs>[^)]*)\) (?:"(?P<sep>(?:[^"\\]|\\.)*)"|NIL) (?P<name>.*)$')


def folders(m):
    """[(encoded name, selectable)] from LIST "" "*"."""
    typ, data = m.list('""', '*')
    if typ != 'OK':
        raise RuntimeError('LIST failed: %r' % data)
    out = []
    for item in data:
        if item is None:
            continue
        if isinstance(item, tuple):  # the name came as a literal
            head, name = item[0], item[1]
            mo = LIST_RE.match(head.rstrip())
        else:
            mo = LIST_RE.match(item)
            name = mo.group('name') if mo else b''
            if name.startswith(b'"'):
                name = re.sub(rb'\\(.)', rb'\1', name[1:-1])
        if not mo:
            raise RuntimeError('cannot parse LIST line: %r' % (item,))
        attrs = mo.group('attrs').lower().split()
        selectable = b'\\noselect' not in attrs and b'\\nonexistent' not in attrs
        out.append((name.decode('ascii', 'replace'), selectable))
    return out


ATTR_RE = {
    'uid': re.compile(rb'\bUID (\d+)'),
    'size': re.compile(rb'\bRFC822\.SIZE (\d+)'),
    'flags': re.compile(rb'\bFLAGS \(([^)]*)\)'),
    'date': re.compile(rb'\bINTERNALDATE "([^"]*)"'),
}


def internaldate(s):
    """IMAP date-time ("02-Jan-2024 08:00:00 +0100") to epoch seconds."""
    d = dt.datetime.strptime(s.decode('ascii').strip(), '%d-%b-%Y %H:%M:%S %z')
    return int(d.timestamp())


def fetch_messages(m, uids):
    """One UID FETCH of the given UIDs; yields one entry per message, the body hashed."""
    typ, data = m.uid('FETCH', ','.join(str(u) for u in uids), '(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])')
    if typ != 'OK':
        raise RuntimeError('UID FETCH failed: %r' % data)
    # imaplib gives (text before the literal, literal) then the text after it, per message;
    # attributes may sit on either side of the body.
    current = None
    for item in data:
        if isinstance(item, tuple):
            if current:
                yield finish(current)
            current = [item[0], item[1]]
        elif item is not None and current is not None and not re.match(rb'^\d+ \(', item):
            current[0] += b' ' + item
        elif item is not None:
            if current:
                yield finish(current)
            current = [item, None]
    if current:
        yield finish(current)


def finish(current):
    text, body = current
    found = {k: r.search(text) for k, r in ATTR_RE.items()}
    missing = [k for k, v in found.items() if v is None]
    if missing or body is None:
        raise RuntimeError('FETCH response without %s: %r' % (missing or 'BODY[]', text[:200]))
    # For a copy whose bytes changed: the body alone and the header field names let the
    # comparison say what changed (e.g. one header added) instead of "missing" plus "extra".
    end = body.find(b'\r\n\r\n')
    head, rest = (body[:end + 2], body[end + 4:]) if end >= 0 else (body, b'')
    names = [n.decode('ascii', 'replace').lower() for n in re.findall(rb'^([!-9;-~]+):', head, re.M)]
    flags = sorted(f for f in found['flags'].group(1).decode('utf-8', 'replace').split() if f.lower() != '\\recent')
    return {
        'uid': int(found['uid'].group(1)),
        'sha256': hashlib.sha256(body).hexdigest(),
        'size': int(found['size'].group(1)),
        'flags': flags,
        'internaldate': internaldate(found['date'].group(1)),
        'body_sha256': hashlib.sha256(rest).hexdigest(),
        'header_names': names,
    }


def sizes(m):
    """[(uid, size)] of the selected folder, in UID order."""
    typ, data = m.uid('FETCH', '1:*', '(UID RFC822.SIZE)')
    if typ != 'OK':
        raise RuntimeError('UID FETCH sizes failed: %r' % data)
    out = []
    for item in data:
        line = item[0] if isinstance(item, tuple) else item
        if not line:
            continue
        u, s = ATTR_RE['uid'].search(line), ATTR_RE['size'].search(line)
        if u and s:
            out.append((int(u.group(1)), int(s.group(1))))
    return sorted(out)


def chunks(pairs):
    """UID lists of at most CHUNK_BYTES (a bigger message alone) and CHUNK_MESSAGES."""
    chunk, total = [], 0
    for uid, size in pairs:
        if chunk and (total + size > CHUNK_BYTES or len(chunk) >= CHUNK_MESSAGES):
            yield chunk
            chunk, total = [], 0
        chunk.append(uid)
        total += size
    if chunk:
        yield chunk


def dump(m):
    result = {}
    for name, selectable in folders(m):
        if not selectable:
            continue
        typ, data = m.select(quote(name), readonly=True)
        if typ != 'OK':
            raise RuntimeError('EXAMINE %s failed: %r' % (name, data))
        entries = []
        if int(data[0] or 0) > 0:
            for uids in chunks(sizes(m)):
                entries.extend(fetch_messages(m, uids))
        entries.sort(key=lambda e: e['uid'])
        result[mutf7_decode(name)] = entries
    return {'folders': result}


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--host', default='127.0.0.1')
    p.add_argument('--port', type=int, required=True)
    p.add_argument('--user', required=True)
    p.add_argument('--tls', choices=['ssl', 'starttls', 'none'], default='starttls')
    p.add_argument('--cafile', help='CA certificate to verify the server with (without it: not verified)')
    a = p.parse_args()
    password = os.environ.get('IMAP_DUMP_PASSWORD')
    if password is None:
        sys.exit('imap_dump.py: set IMAP_DUMP_PASSWORD (the password never goes on the command line)')
    m = connect(a, password)
    try:
        out = dump(m)
    finally:
        try:
            m.logout()
        except Exception:  # the dump is what matters; a failed LOGOUT changes nothing
            pass
    json.dump(out, sys.stdout, ensure_ascii=False, separators=(',', ':'))
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
