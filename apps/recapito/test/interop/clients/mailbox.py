#!/usr/bin/env python3
"""Fills a mailbox over IMAPS and reads it back, for the synchronization tests (mbsync,
offlineimap, curl, fetchmail).

  mailbox.py fill --big-mb 5 [--save DIR] ...   appends the corpus to several folders (flags, a
                                   non-ASCII folder name, one large message); prints the manifest
                                   (with --save, each message also goes to a file named in it)
  mailbox.py dump [--save DIR] ... prints every folder's messages: sha256, size, flags, Message-ID
                                   (with --save, each message also goes to a file named in it)
  mailbox.py append --folder F --file MSG [--flags '(\\Seen)'] ...   appends one message

A manifest / dump is {"folders": {name (Unicode): [{"sha256", "size", "flags", "id"}...]}} with
messages in UID order and only the system flags (\\Seen \\Answered \\Flagged \\Draft \\Deleted),
which every synchronizer keeps; \\Recent is left out.
"""
import os
import re
import sys

from common import (IMAPS, args_parser, big_message, messages, mutf7_decode, mutf7_encode, out, quote, read_password,
                    sha, split_responses, tls_context, tokenize)

SYSTEM = {'\\Seen', '\\Answered', '\\Flagged', '\\Draft', '\\Deleted'}

# folder, corpus message, flags
LAYOUT = [
    ('INBOX', 'riunione', '(\\Seen)'),
    ('INBOX', 'allegato', '()'),
    ('INBOX', 'prova', '(\\Flagged \\Answered)'),
    ('Posta inviata/Città', 'alternativa', '(\\Seen \\Answered)'),
    ('Progetti/2026', 'riunione', '(\\Draft)'),
    ('\\Sent', 'prova', '(\\Seen)'),
    ('\\Archive', 'big', '(\\Seen)'),
]


def message_id(raw):
    m = re.search(rb'^Message-ID:\s*(<[^>\r\n]*>)', raw, re.M | re.I)
    return m.group(1).decode('ascii', 'replace') if m else None


def entry(raw, flags):
    return {'sha256': sha(raw), 'size': len(raw), 'flags': sorted(set(flags) & SYSTEM), 'id': message_id(raw)}


def connect(a):
    M = IMAPS(a.host, a.imaps_port, tls_context(a.cafile))
    M.login(a.user, read_password(a.password_file))
    return M


def ensure(M, folder):
    if folder != 'INBOX':
        M._simple_command('CREATE', quote(mutf7_encode(folder)))  # NO if it exists: fine


def special_use(M):
    """{'\\Archive': name, ...}: servers name their special-use folders as they like."""
    typ, data = M.list('""', '"*"')
    found = {}
    for line in data:
        if isinstance(line, bytes):
            toks = tokenize(line)[0]
            name = toks[2].decode() if isinstance(toks[2], bytes) else str(toks[2])
            for attr in toks[0] or []:
                found['\\' + str(attr)[1:].capitalize()] = mutf7_decode(name)
    return found


def fill(a):
    corpus = messages()
    corpus['big'] = big_message(a.big_mb * 1024 * 1024)
    M = connect(a)
    uses = special_use(M)
    manifest = {}
    for folder, name, flags in LAYOUT:
        folder = uses.get(folder, folder) if folder.startswith('\\') else folder
        ensure(M, folder)
        typ, data = M.append(quote(mutf7_encode(folder)), flags, None, corpus[name])
        if typ != 'OK':
            sys.exit(f'APPEND to {folder} failed: {typ} {data}')
        e = entry(corpus[name], flags.strip('()').split())
        if a.save:
            e['file'] = os.path.join(a.save, f'{len(sum(manifest.values(), []))}-{name}.eml')
            with open(e['file'], 'wb') as f:
                f.write(corpus[name])
        manifest.setdefault(folder, []).append(e)
    M.logout()
    out({'folders': manifest})


def dump(a):
    M = connect(a)
    typ, data = M.list('""', '"*"')
    folders = {}
    for line in data:
        if not line:
            continue
        toks = tokenize(line if isinstance(line, bytes) else line[0] + b'\r\n' + line[1])[0]
        attrs = [str(x).lower() for x in toks[0] or []]
        name = toks[2].decode() if isinstance(toks[2], bytes) else str(toks[2])
        if '\\noselect' in attrs or '\\nonexistent' in attrs:
            continue
        typ, count = M.select(quote(name), readonly=True)
        if typ != 'OK':
            sys.exit(f'EXAMINE {name} failed: {count}')
        items = []
        if int(count[0] or 0) > 0:
            M.raw.clear()
            M.uid('FETCH', '1:*', '(UID FLAGS BODY.PEEK[])')
            for r in split_responses(bytes(M.raw)):
                t = tokenize(r)[0]
                if len(t) > 3 and t[0] == '*' and str(t[2]).upper() == 'FETCH':
                    it = t[3]
                    d = {str(it[k]).upper(): it[k + 1] for k in range(0, len(it) - 1, 2)}
                    raw = d.get('BODY[]') or b''
                    e = entry(raw, [str(f) for f in d.get('FLAGS') or []])
                    if a.save:
                        e['file'] = os.path.join(a.save, f'{len(folders)}-{d["UID"]}.eml')
                        with open(e['file'], 'wb') as f:
                            f.write(raw)
                    items.append((int(d['UID']), e))
        folders[mutf7_decode(name)] = [e for _, e in sorted(items, key=lambda x: x[0])]
    M.logout()
    out({'folders': folders})


def append(a):
    M = connect(a)
    with open(a.file, 'rb') as f:
        raw = f.read()
    ensure(M, a.folder)
    typ, data = M.append(quote(mutf7_encode(a.folder)), a.flags, None, raw)
    M.logout()
    if typ != 'OK':
        sys.exit(f'APPEND failed: {typ} {data}')
    out(entry(raw, a.flags.strip('()').split()))


def main():
    p = args_parser(__doc__.splitlines()[0])
    p.add_argument('action', choices=['fill', 'dump', 'append'])
    p.add_argument('--big-mb', type=int, default=5)
    p.add_argument('--folder', default='INBOX')
    p.add_argument('--file')
    p.add_argument('--flags', default='()')
    p.add_argument('--save', help='fill, dump: also write each message to a file in this folder')
    a = p.parse_args()
    {'fill': fill, 'dump': dump, 'append': append}[a.action](a)


if __name__ == '__main__':
    main()
