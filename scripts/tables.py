"""Plain-text tables for the harness's reports: columns as wide as their
widest cell, numbers right-aligned."""


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
