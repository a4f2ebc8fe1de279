"""Drives an IMAP server with Python's imaplib, an independent client, for the tests.

Reads a JSON scenario on stdin: {"host", "port", "ssl", "cafile", "steps": [...]} and prints one
JSON result per step: {"typ", "data"} from imaplib (bytes as text when printable, else
{"sha256", "length"}), or {"error"} when imaplib raised (e.g. a NO/BAD on a tagged response).

Steps: {"op": "call", "name": <imaplib method>, "args": [...]},
       {"op": "append", "mailbox", "flags", "date" (unix seconds or null), "b64"},
       {"op": "untagged", "name": "EXISTS"} (pending untagged responses of that kind),
       {"op": "idle", "seconds"}: IDLE, collect pushed lines for that long, DONE,
       {"op": "connect", "port"?}: another connection (to another port: another server process
       on the same store), made the current one; {"op": "use", "index"}.
"""
import base64
import hashlib
import imaplib
import json
import socket
import ssl
import sys
import time


def enc(v):
    if isinstance(v, bytes):
        try:
            s = v.decode("utf-8")
            if all(c >= " " or c in "\r\n\t" for c in s) and len(v) <= 4096:
                return s
        except UnicodeDecodeError:
            pass
        return {"sha256": hashlib.sha256(v).hexdigest(), "length": len(v)}
    if isinstance(v, (list, tuple)):
        return [enc(x) for x in v]
    return v


def connect(sc, port=None):
    ctx = ssl.create_default_context(cafile=sc["cafile"])
    ctx.check_hostname = False
    port = port or sc["port"]
    if sc.get("ssl", True):
        return imaplib.IMAP4_SSL(sc["host"], port, ssl_context=ctx, timeout=20)
    c = imaplib.IMAP4(sc["host"], port, timeout=20)
    c._ctx = ctx
    return c


def idle(c, seconds):
    tag = c._new_tag().decode()
    c.send(("%s IDLE\r\n" % tag).encode())
    first = c.readline().decode().rstrip()
    pushed = []
    c.sock.settimeout(0.2)
    end = time.time() + seconds
    buf = b""
    while time.time() < end:
        try:
            chunk = c.sock.recv(65536)
            if not chunk:
                break
            buf += chunk
        except (socket.timeout, ssl.SSLError, TimeoutError):
            pass
    c.sock.settimeout(20)
    pushed = [l for l in buf.decode().split("\r\n") if l]
    c.send(b"DONE\r\n")
    done = c.readline().decode().rstrip()
    while not done.startswith(tag):
        pushed.append(done)
        done = c.readline().decode().rstrip()
    return {"continuation": first, "pushed": pushed, "done": done}


def main():
    sc = json.load(sys.stdin)
    conns = [connect(sc)]
    cur = conns[0]
    out = []
    for st in sc["steps"]:
        op = st["op"]
        try:
            if op == "connect":
                cur = connect(sc, st.get("port"))
                conns.append(cur)
                out.append({"typ": "OK"})
            elif op == "use":
                cur = conns[st["index"]]
                out.append({"typ": "OK"})
            elif op == "call":
                if st["name"] == "starttls":
                    typ, data = cur.starttls(ssl_context=cur._ctx)
                else:
                    typ, data = getattr(cur, st["name"])(*st.get("args", []))
                out.append({"typ": typ, "data": enc(data)})
            elif op == "append":
                date = imaplib.Time2Internaldate(st["date"]) if st.get("date") else None
                typ, data = cur.append(st["mailbox"], st.get("flags"), date, base64.b64decode(st["b64"]))
                out.append({"typ": typ, "data": enc(data)})
            elif op == "untagged":
                typ, data = cur._untagged_response("OK", [None], st["name"])
                out.append({"typ": typ, "data": enc(data)})
            elif op == "idle":
                out.append(idle(cur, st["seconds"]))
            else:
                out.append({"error": "unknown op " + op})
        except Exception as e:  # the test asserts on the message
            out.append({"error": "%s: %s" % (type(e).__name__, e)})
    json.dump(out, sys.stdout)


main()
