#!/usr/bin/env python3
"""A mail sink for the tests: an SMTP server on 127.0.0.1 that keeps what it
receives in a folder, one numbered file per recipient.

usage: smtp-sink.py DIR [--reject ADDRESS]...

It listens on a free port, writes the port to DIR/port once it accepts
connections, and for every accepted recipient of a message writes the
message's bytes (as received, CR LF and all) to DIR/N.eml (N = 1, 2, ...)
and appends "N ADDRESS" to DIR/rcpt; started again on the same DIR it goes
on from the highest N there. RCPT TO an address given with --reject
is answered "550 no such user". It takes SMTPUTF8 (RFC 6531): addresses
with letters beyond ASCII. Runs until killed.
"""
import asyncio
import os
import sys

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, folder, reject):
        self.folder = folder
        self.reject = {a.lower() for a in reject}
        # a sink started again on the same folder goes on numbering
        self.count = max((int(n[:-4]) for n in os.listdir(folder)
                          if n.endswith(".eml") and n[:-4].isdigit()), default=0)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        for rcpt in envelope.rcpt_tos:
            self.count += 1
            name = os.path.join(self.folder, "%d.eml" % self.count)
            # whole files only: a test may look at any moment
            with open(name + ".tmp", "wb") as f:
                f.write(content)
            os.rename(name + ".tmp", name)
            with open(os.path.join(self.folder, "rcpt"), "a") as f:
                f.write("%d %s\n" % (self.count, rcpt))
        return "250 Message accepted for delivery"


async def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    folder, reject = args[0], []
    rest = args[1:]
    while rest:
        if rest[0] == "--reject" and len(rest) > 1:
            reject.append(rest[1])
            rest = rest[2:]
        else:
            sys.exit(__doc__)
    os.makedirs(folder, exist_ok=True)
    handler = Sink(folder, reject)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, decode_data=False, hostname="sink.test",
                     enable_SMTPUTF8=True),
        host="127.0.0.1", port=0)
    port = server.sockets[0].getsockname()[1]
    with open(os.path.join(folder, "port.tmp"), "w") as f:
        f.write("%d\n" % port)
    os.rename(os.path.join(folder, "port.tmp"), os.path.join(folder, "port"))
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
