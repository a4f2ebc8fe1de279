"""Drives an SMTP server with Python's smtplib, as an independent client for the tests.

Reads a JSON scenario on stdin:
  {"host", "port", "ssl": bool, "cafile", "source": optional source IP, "steps": [...]}
and prints one JSON result per step: {"op", "code", "message"} (plus "features" for ehlo),
or {"op", "error"} when the step raised something other than an SMTP reply.
Message bytes travel base64-encoded ("b64") so that 8-bit content stays exact.
"""
import base64
import json
import smtplib
import ssl
import sys


def reply(op, code, message):
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    return {"op": op, "code": code, "message": message}


def run_step(server, step, ctx):
    op = step["op"]
    if op == "ehlo":
        code, msg = server.ehlo("client.example")
        out = reply(op, code, msg)
        out["features"] = dict(server.esmtp_features)
        return out
    if op == "starttls":
        code, msg = server.starttls(context=ctx)
        return reply(op, code, msg)
    if op == "login":
        server.ehlo_or_helo_if_needed()
        server.user, server.password = step["user"], step["password"]
        method = step.get("method", "PLAIN").upper()
        authobject = server.auth_plain if method == "PLAIN" else server.auth_login
        code, msg = server.auth(method, authobject, initial_response_ok=True)
        return reply(op, code, msg)
    if op == "cmd":
        code, msg = server.docmd(step["line"])
        return reply(op, code, msg)
    if op == "mail":
        code, msg = server.mail(step["from"], step.get("options", []))
        return reply(op, code, msg)
    if op == "rcpt":
        code, msg = server.rcpt(step["to"])
        return reply(op, code, msg)
    if op == "data":
        code, msg = server.data(base64.b64decode(step["b64"]))
        return reply(op, code, msg)
    if op == "quit":
        code, msg = server.quit()
        return reply(op, code, msg)
    raise ValueError("unknown step " + op)


def main():
    scenario = json.load(sys.stdin)
    ctx = ssl.create_default_context(cafile=scenario["cafile"])
    source = (scenario["source"], 0) if scenario.get("source") else None
    results = []
    try:
        if scenario.get("ssl"):
            server = smtplib.SMTP_SSL(scenario["host"], scenario["port"], context=ctx,
                                      source_address=source, timeout=10)
        else:
            server = smtplib.SMTP(scenario["host"], scenario["port"], source_address=source, timeout=10)
    except Exception as e:  # connection problems are a result too
        print(json.dumps([{"op": "connect", "error": repr(e)}]))
        return
    for step in scenario["steps"]:
        try:
            results.append(run_step(server, step, ctx))
        except smtplib.SMTPResponseException as e:
            results.append(reply(step["op"], e.smtp_code, e.smtp_error))
        except Exception as e:
            results.append({"op": step["op"], "error": repr(e)})
            break
    try:
        server.close()
    except Exception:
        pass
    print(json.dumps(results))


main()
