#!/usr/bin/env python3
"""A real local SMTP server for the smtp channel's process tests, on
Debian's python3-aiosmtpd. Each message received is parsed with Python's
own email package (an independent reader of what the node wrote) and saved
as OUT/NNNNNN.json: the envelope, whether the session was under TLS, the
decoded headers and the text body.

  smtp_server.py --port P --out DIR [--cert PEM --key PEM] [--reject PREFIX]
                 [--busy PREFIX]

--cert/--key: offer STARTTLS and require it before MAIL.
--reject: RCPT TO an address starting with PREFIX gets 550.
--busy: the first RCPT TO of each such address gets 451 (try again).
Prints "READY" on stdout once it listens; runs until killed.
"""
import argparse
import email
import email.policy
import json
import os
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, out, reject, busy):
        self.out = out
        self.reject = reject
        self.busy = busy
        self.busy_seen = set()
        self.count = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject and address.startswith(self.reject):
            return "550 5.1.1 no such mailbox here"
        if self.busy and address.startswith(self.busy) and address not in self.busy_seen:
            self.busy_seen.add(address)
            return "451 4.3.0 busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        headers = {}
        for name in ("From", "To", "Reply-To", "Subject", "Date", "Message-ID",
                     "List-Unsubscribe", "List-Unsubscribe-Post", "MIME-Version",
                     "Content-Type", "Bcc"):
            if msg[name] is not None:
                headers[name] = str(msg[name])
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": session.ssl is not None,
            "headers": headers,
            "body": msg.get_content(),
            "defects": [type(d).__name__ for d in msg.defects],
        }
        with self.lock:
            self.count += 1
            path = os.path.join(self.out, "%06d.json" % self.count)
        with open(path + ".tmp", "w") as f:
            json.dump(record, f)
        os.rename(path + ".tmp", path)
        return "250 2.0.0 queued"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--reject")
    p.add_argument("--busy")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    kwargs = {}
    if a.cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)
        kwargs = {"tls_context": ctx, "require_starttls": True}
    controller = Controller(Handler(a.out, a.reject, a.busy), hostname="127.0.0.1",
                            port=a.port, **kwargs)
    controller.start()
    print("READY", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    sys.exit(main())
