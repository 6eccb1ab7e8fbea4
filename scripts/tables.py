"""Plain-text tables for the harness's reports: columns as wide as their
widest cell, numbers right-aligned.

As a command, formats tab-separated lines from stdin, the first being
the header: ... | python3 scripts/tables.py
"""

import sys


def _is_number(cell):
    try:
        float(cell)
        return True
    except ValueError:
        return False


def format_table(header, rows):
    """The lines of a table; every cell is turned into a string."""
    rows = [[str(c) for c in r] for r in rows]
    width = [max(len(str(h)), *(len(r[i]) for r in rows)) if rows else len(str(h))
             for i, h in enumerate(header)]
    right = [bool(rows) and all(_is_number(r[i]) or r[i] == "-" for r in rows)
             for i in range(len(header))]

    def line(cells):
        out = [c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, width, right)]
        return "  ".join(out).rstrip()

    return [line([str(h) for h in header])] + [line(r) for r in rows]


if __name__ == "__main__":
    lines = [line.rstrip("\n").split("\t") for line in sys.stdin if line.strip()]
    if lines:
        print("\n".join(format_table(lines[0], lines[1:])))
