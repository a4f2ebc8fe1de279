"""Turns recorded IMAP responses into comparable JSON: what a client observes, without what is
server-specific by nature (UIDVALIDITY values, MODSEQ numbers, human-readable text, the time
of now, the quota root's name, ID details, capabilities nobody asked for)."""
import datetime
import json
import re

from common import IMAP_NAMED, parse_status, sha, split_responses, tokenize

SHORT = 200


def s(v):
    """Token -> JSON value: strings decoded (short) or summarized (long); lists recursively."""
    if v is None:
        return None
    if isinstance(v, list):
        return [s(x) for x in v]
    if isinstance(v, bytes):
        if len(v) <= SHORT:
            return v.decode('utf-8', 'replace')
        return {'len': len(v), 'sha256': sha(v)}
    return v


def caps(tokens):
    return sorted({str(t).upper() for t in tokens if isinstance(t, str)} & IMAP_NAMED)


def internaldate(v):
    text = v.decode() if isinstance(v, bytes) else str(v)
    try:
        d = datetime.datetime.strptime(text.strip(), '%d-%b-%Y %H:%M:%S %z')
    except ValueError:
        return 'unparsable: ' + text
    now = datetime.datetime.now(datetime.timezone.utc)
    if abs((now - d).total_seconds()) < 86400:
        return '<now>'
    return d.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def code(tokens):
    if not tokens:
        return None
    name = str(tokens[0]).upper()
    args = tokens[1:]
    if name == 'CAPABILITY':
        return [name, caps(args)]
    if name == 'UIDVALIDITY':
        return [name, '<uidvalidity>']
    if name in ('HIGHESTMODSEQ', 'NOMODSEQ'):
        return [name, '<modseq>'] if args else [name]
    if name in ('APPENDUID', 'COPYUID'):
        return [name, '<uidvalidity>'] + [s(a) for a in args[1:]]
    if name == 'PERMANENTFLAGS':
        return [name, sorted(s(args[0]) if args and isinstance(args[0], list) else [])]
    return [name] + [s(a) for a in args]


def fetch_items(items):
    out = {}
    for k in range(0, len(items) - 1, 2):
        key = re.sub(r'\s+', ' ', str(items[k]).upper())
        val = items[k + 1]
        if key == 'FLAGS':
            out[key] = sorted(s(val))
        elif key == 'INTERNALDATE':
            out[key] = internaldate(val)
        elif key == 'MODSEQ':
            out[key] = '<modseq>'
        elif key in ('UID', 'RFC822.SIZE') or key.startswith('BINARY.SIZE'):
            out[key] = int(val)
        else:
            out[key] = s(val)
    return out


def untagged(resp):
    """One untagged response (bytes) -> normalized JSON value, or None to leave it out."""
    toks = tokenize(resp)[0]
    if len(toks) < 2:
        return ['?', s(toks)]
    head = str(toks[1]).upper()
    if head in ('OK', 'NO', 'BAD', 'BYE', 'PREAUTH'):
        status, c, _text = parse_status(resp)
        if head == 'OK' and c is None:
            return None  # free text only (progress, keep-alive, greeting text)
        return [status, code(c)] if c is not None else [status]
    if len(toks) >= 3 and re.fullmatch(r'\d+', str(toks[1])):
        n = int(toks[1])
        kind = str(toks[2]).upper()
        if kind == 'FETCH':
            return ['FETCH', n, fetch_items(toks[3] if len(toks) > 3 and isinstance(toks[3], list) else [])]
        return [kind, n]
    args = toks[2:]
    if head == 'CAPABILITY':
        return [head, caps(args)]
    if head in ('FLAGS',):
        return [head, sorted(s(args[0]) if args and isinstance(args[0], list) else [])]
    if head in ('LIST', 'LSUB'):
        attrs = sorted(str(a) for a in (args[0] or [])) if args else []
        return [head, attrs, s(args[1]) if len(args) > 1 else None, s(args[2]) if len(args) > 2 else None] + [s(a) for a in args[3:]]
    if head == 'SEARCH':
        nums = sorted(int(a) for a in args if isinstance(a, str) and a.isdigit())
        mod = ['MODSEQ', '<modseq>'] if any(isinstance(a, list) for a in args) else []
        return [head, nums] + mod
    if head == 'STATUS':
        items = args[1] if len(args) > 1 and isinstance(args[1], list) else []
        d = {}
        for k in range(0, len(items) - 1, 2):
            key = str(items[k]).upper()
            d[key] = '<uidvalidity>' if key == 'UIDVALIDITY' else '<modseq>' if key == 'HIGHESTMODSEQ' else int(items[k + 1])
        return [head, s(args[0]) if args else None, d]
    if head == 'ID':
        return [head, None if not args or args[0] is None else '<server id>']
    if head == 'ENABLED':
        return [head, sorted(str(a).upper() for a in args)]
    if head == 'QUOTAROOT':
        return [head, s(args[0]) if args else None, ['<root>' for _ in args[1:]]]
    if head == 'QUOTA':
        res = args[1] if len(args) > 1 and isinstance(args[1], list) else []
        out = []
        for k in range(0, len(res) - 2, 3):
            used = int(res[k + 1])
            out.append([str(res[k]).upper(), 0 if used == 0 else '<used>', int(res[k + 2])])
        return [head, '<root>', out]
    return [head] + [s(a) for a in args]


def tagged_of(responses):
    for r in reversed(responses):
        if not r.startswith(b'* ') and not r.startswith(b'+'):
            return r
    return None


def normalize(raw):
    """The whole exchange of one command -> {status, code, untagged (sorted), expunge (in order)}."""
    responses = split_responses(bytes(raw))
    tag = tagged_of(responses)
    status, c, text = parse_status(tag) if tag else (None, None, '')
    items, expunges, fetches = [], [], {}
    for r in responses:
        if r is tag:
            continue
        if r.startswith(b'+'):
            continue
        v = untagged(r)
        if v is None:
            continue
        if v[0] == 'EXPUNGE':
            expunges.append(v[1])
        elif v[0] == 'FETCH' and v[1] in fetches:
            fetches[v[1]][2].update(v[2])  # a client merges the items it gets for one message
        else:
            if v[0] == 'FETCH':
                fetches[v[1]] = v
            items.append(v)
    # Capabilities come as `* CAPABILITY`, as `* OK [CAPABILITY ...]` or as the tagged answer's
    # code: the same to a client (RFC 3501 7.1), so all become one untagged CAPABILITY item.
    rc = code(c)
    caps_seen = [x for x in items if x[0] == 'CAPABILITY'] + [x[1] for x in items if x[0] == 'OK' and x[1] and x[1][0] == 'CAPABILITY']
    if rc and rc[0] == 'CAPABILITY':
        caps_seen.append(rc)
        rc = None
    items = [x for x in items if x[0] != 'CAPABILITY' and not (x[0] == 'OK' and x[1] and x[1][0] == 'CAPABILITY')]
    for cap in {json.dumps(x): x for x in caps_seen}.values():
        items.append(cap)
    items.sort(key=lambda x: json.dumps(x, sort_keys=True))
    return {'status': status, 'code': rc, 'untagged': items, 'expunge': expunges}, text
