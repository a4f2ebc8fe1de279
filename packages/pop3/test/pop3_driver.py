"""Drives a POP3 server with Python's poplib, as an independent client for the tests.

Reads a JSON scenario on stdin:
  {"host", "port", "ssl": bool, "cafile", "steps": [...]}
and prints a JSON list with one result per step: {"op", "resp"} (plus data fields), or
{"op", "error"} when the server answered -ERR or the step raised.
Retrieved messages are rebuilt from poplib's lines joined by CRLF (poplib strips the line
ends and undoes the dot-stuffing); their sha256 is printed, and their base64 when small.
"""
import base64
import hashlib
import json
import poplib
import ssl
import sys


def text(b):
    return b.decode("utf-8", "replace") if isinstance(b, bytes) else b


def body(lines):
    data = b"\r\n".join(lines) + b"\r\n" if lines else b""
    out = {"sha256": hashlib.sha256(data).hexdigest(), "length": len(data)}
    if len(data) <= 100000:
        out["b64"] = base64.b64encode(data).decode()
    return out


def run_step(client, step, ctx):
    op = step["op"]
    if op == "user":
        return {"resp": text(client.user(step["user"]))}
    if op == "pass":
        return {"resp": text(client.pass_(step["password"]))}
    if op == "authplain":
        token = base64.b64encode(("\0%s\0%s" % (step["user"], step["password"])).encode()).decode()
        return {"resp": text(client._shortcmd("AUTH PLAIN " + token))}
    if op == "stls":
        return {"resp": text(client.stls(context=ctx))}
    if op == "capa":
        return {"resp": "+OK", "capa": sorted(client.capa().keys())}
    if op == "stat":
        count, size = client.stat()
        return {"resp": "+OK", "count": count, "size": size}
    if op in ("list", "uidl"):
        fn = client.list if op == "list" else client.uidl
        if "which" in step:
            return {"resp": text(fn(step["which"]))}
        resp, lines, _ = fn()
        return {"resp": text(resp), "lines": [text(x) for x in lines]}
    if op == "retr":
        resp, lines, _ = client.retr(step["which"])
        return dict(body(lines), resp=text(resp))
    if op == "top":
        resp, lines, _ = client.top(step["which"], step["n"])
        return dict(body(lines), resp=text(resp))
    if op == "dele":
        return {"resp": text(client.dele(step["which"]))}
    if op == "rset":
        return {"resp": text(client.rset())}
    if op == "noop":
        return {"resp": text(client.noop())}
    if op == "cmd":
        return {"resp": text(client._shortcmd(step["line"]))}
    if op == "quit":
        return {"resp": text(client.quit())}
    if op == "drop":
        client.sock.close()
        return {"resp": "dropped"}
    raise ValueError("unknown op " + op)


def main():
    scenario = json.load(sys.stdin)
    ctx = ssl.create_default_context(cafile=scenario["cafile"])
    if scenario.get("ssl"):
        client = poplib.POP3_SSL(scenario["host"], scenario["port"], context=ctx, timeout=30)
    else:
        client = poplib.POP3(scenario["host"], scenario["port"], timeout=30)
    results = [{"op": "welcome", "resp": text(client.getwelcome())}]
    for step in scenario["steps"]:
        try:
            out = run_step(client, step, ctx)
        except poplib.error_proto as e:
            out = {"error": text(e.args[0]) if e.args else str(e)}
        except Exception as e:  # noqa: BLE001 - reported to the test, which decides
            out = {"error": "%s: %s" % (type(e).__name__, e)}
        out["op"] = step["op"]
        results.append(out)
    print(json.dumps(results))


main()
