#!/usr/bin/env python3
"""The project's hand-written cover letters, for make outgoing.

  cover_letter.py addresses COVER     the To: and Cc: addresses it names
  cover_letter.py fill TEMPLATE COVER put COVER's subject and text into the
                                      cover letter git format-patch wrote

The text is everything up to the shortlog ("Name (N):"); the template's
own shortlog, diffstat and base-commit lines are kept, so that they
describe the commits being sent.
"""

import email
import email.policy
import email.utils
import re
import sys

SHORTLOG = re.compile(r"^\S.* \(\d+\):$")


def read(path):
    with open(path, encoding="utf-8") as f:
        return email.message_from_file(f, policy=email.policy.compat32)


def addresses(cover):
    msg = read(cover)
    found = email.utils.getaddresses(msg.get_all("to", []) + msg.get_all("cc", []))
    for name, addr in found:
        if addr:
            print(email.utils.formataddr((" ".join(name.split()), addr)))


def subject_text(subject):
    """The subject without its [PATCH ...] prefix, unfolded."""
    subject = " ".join(subject.split())
    return re.sub(r"^\[[^]]*\]\s*", "", subject)


def fill(template, cover):
    msg = read(cover)
    text = msg.get_payload()
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if SHORTLOG.match(line):
            lines = lines[:i]
            break
    else:
        sys.exit("error: %s has no shortlog line ('Name (N):'): write the cover letter as "
                 "git format-patch --cover-letter lays it out" % cover)
    blurb = "\n".join(lines).rstrip("\n")
    with open(template, encoding="utf-8") as f:
        out = f.read()
    if "*** SUBJECT HERE ***" not in out or "*** BLURB HERE ***" not in out:
        sys.exit("error: %s is not a git format-patch cover letter template" % template)
    out = out.replace("*** SUBJECT HERE ***", subject_text(msg["subject"]), 1)
    out = out.replace("*** BLURB HERE ***", blurb, 1)
    with open(template, "w", encoding="utf-8") as f:
        f.write(out)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "addresses":
        addresses(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "fill":
        fill(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
