#!/usr/bin/env python3
"""Read messages the way a mail program would, for the crm-mail tests.

usage: mailcheck.py show SOURCE    the decoded messages, one block each
       mailcheck.py lint SOURCE    the rules a message must keep; prints each
                                   broken one and exits 1, else prints "ok"

SOURCE is mbox:FILE (an mboxrd mbox: lines ">From ", ">>From ", ... lose one
'>'), maildir:DIR (the files of DIR/new in the order written), sink:DIR (the
numbered files of tests/mail/smtp-sink.py, CR LF made LF) or a message file.

show prints, per message, "== N", every header as "Name: decoded value"
(To also as To-name and To-addr), a line "--", the decoded body exactly
as get_content() returns it, and a line "==". lint takes UTF-8 in an address
(between < and >) as RFC 6532 does, and nowhere else in a header.
"""
import email
import email.errors
import email.policy
import mailbox
import os
import re
import sys

ENCODED_WORD = re.compile(rb"=\?[^?\s]*\?[BbQq]\?[^?\s]*\?=")
QP_ESCAPE = re.compile(rb"=(?![0-9A-F]{2})")
MBOXRD_QUOTED = re.compile(rb"^>(>*From )", re.M)
# an address of UTF-8 (RFC 6532), which a header may hold as it is
UTF8_ADDRESS = re.compile(rb"<[^<>\s]*[\x80-\xff][^<>\s]*@[^<>\s]+>")


def raw_messages(source):
    kind, _, where = source.partition(":")
    if kind == "mbox":
        box = mailbox.mbox(where, create=False)
        return [MBOXRD_QUOTED.sub(rb"\1", box.get_bytes(k)) for k in box.keys()]
    if kind == "maildir":
        new = os.path.join(where, "new")
        # names are TIME.PID_SEQ.HOST: in the order written
        names = sorted(os.listdir(new), key=lambda n: int(n.split("_")[1].split(".")[0]))
        return [open(os.path.join(new, n), "rb").read() for n in names]
    if kind == "sink":
        names = sorted((n for n in os.listdir(where) if n.endswith(".eml")),
                       key=lambda n: int(n.split(".")[0]))
        return [open(os.path.join(where, n), "rb").read().replace(b"\r\n", b"\n") for n in names]
    return [open(source, "rb").read()]


def parse(raw):
    head = raw.partition(b"\n\n")[0]
    try:
        # a header of UTF-8 (RFC 6532) is read as text, as a mail program
        # that takes SMTPUTF8 reads it
        if any(c > 126 for c in head):
            return email.message_from_string(raw.decode("utf-8"), policy=email.policy.default)
    except UnicodeDecodeError:
        pass
    return email.message_from_bytes(raw, policy=email.policy.default)


def show(source):
    for n, raw in enumerate(raw_messages(source), 1):
        msg = parse(raw)
        out = ["== %d" % n]
        for name, value in msg.items():
            out.append("%s: %s" % (name, value))
            if name.lower() == "to":
                for a in value.addresses:
                    out.append("To-name: %s" % a.display_name)
                    out.append("To-addr: %s" % a.addr_spec)
        out.append("--")
        sys.stdout.write("\n".join(out) + "\n")
        sys.stdout.write(msg.get_content())
        sys.stdout.write("==\n")
    return 0


def lint(source):
    problems = []
    msgs = raw_messages(source)
    if not msgs:
        problems.append("no messages")
    for n, raw in enumerate(msgs, 1):
        def bad(what):
            problems.append("message %d: %s" % (n, what))

        head, sep, body = raw.partition(b"\n\n")
        if not sep:
            bad("no blank line after the headers")
        for line in head.split(b"\n"):
            if len(line) > 78:
                bad("header line of %d characters: %r" % (len(line), line))
            # RFC 6532: UTF-8 only in an address, between < and >
            if any(c > 126 or (c < 32 and c != 9) for c in UTF8_ADDRESS.sub(b"<>", line)):
                bad("header line not in printable ASCII: %r" % line)
            for w in ENCODED_WORD.findall(line):
                if len(w) > 75:
                    bad("encoded-word of %d characters: %r" % (len(w), w))
        lines = body.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        for line in lines:
            if len(line) > 76:
                bad("body line of %d characters: %r" % (len(line), line[:80]))
            if any(c > 126 or (c < 32 and c != 9) for c in line):
                bad("body line not in printable ASCII: %r" % line[:80])
            if line.endswith((b" ", b"\t")):
                bad("white space at the end of a body line: %r" % line[:80])
            stripped = line[:-1] if line.endswith(b"=") else line
            if QP_ESCAPE.search(stripped):
                bad("'=' not followed by two upper-case hex digits: %r" % line[:80])
        msg = parse(raw)
        if msg.defects:
            bad("message defects %r" % (msg.defects,))
        for name, value in msg.items():
            defects = [d for d in value.defects
                       if not isinstance(d, email.errors.NonASCIILocalPartDefect)]
            if defects:
                bad("%s: defects %r" % (name, defects))
        for name in ("From", "To", "Subject", "Date", "Message-ID", "MIME-Version",
                     "Content-Type", "Content-Transfer-Encoding"):
            if len(msg.get_all(name, [])) != 1:
                bad("%d %s headers" % (len(msg.get_all(name, [])), name))
        try:
            msg.get_content()
        except Exception as e:  # noqa: BLE001 - any failure is the finding
            bad("body does not decode: %s" % e)
    for p in problems:
        print(p)
    if problems:
        return 1
    print("ok")
    return 0


def main(argv):
    if len(argv) != 3 or argv[1] not in ("show", "lint"):
        sys.exit(__doc__)
    return show(argv[2]) if argv[1] == "show" else lint(argv[2])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
