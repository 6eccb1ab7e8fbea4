"""A line chart as a PNG, with the Python standard library only.

Enough for make bench's plot: axes, ticks, tick labels, a title and a
legend in a built-in 5x7 pixel font (lower case, digits, a little
punctuation), and one coloured polyline per series.
"""
import struct
import zlib

# 5x7 glyphs, one string of five columns per row ('#' = ink).
_FONT_ROWS = {
    "0": [" ### ", "#   #", "#  ##", "# # #", "##  #", "#   #", " ### "],
    "1": ["  #  ", " ##  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "],
    "2": [" ### ", "#   #", "    #", "   # ", "  #  ", " #   ", "#####"],
    "3": ["#####", "   # ", "  #  ", "   # ", "    #", "#   #", " ### "],
    "4": ["   # ", "  ## ", " # # ", "#  # ", "#####", "   # ", "   # "],
    "5": ["#####", "#    ", "#### ", "    #", "    #", "#   #", " ### "],
    "6": ["  ## ", " #   ", "#    ", "#### ", "#   #", "#   #", " ### "],
    "7": ["#####", "    #", "   # ", "  #  ", " #   ", " #   ", " #   "],
    "8": [" ### ", "#   #", "#   #", " ### ", "#   #", "#   #", " ### "],
    "9": [" ### ", "#   #", "#   #", " ####", "    #", "   # ", " ##  "],
    "a": ["     ", "     ", " ### ", "    #", " ####", "#   #", " ####"],
    "b": ["#    ", "#    ", "# ## ", "##  #", "#   #", "#   #", "#### "],
    "c": ["     ", "     ", " ### ", "#    ", "#    ", "#   #", " ### "],
    "d": ["    #", "    #", " ## #", "#  ##", "#   #", "#   #", " ####"],
    "e": ["     ", "     ", " ### ", "#   #", "#####", "#    ", " ### "],
    "f": ["  ## ", " #  #", " #   ", "###  ", " #   ", " #   ", " #   "],
    "g": ["     ", " ####", "#   #", "#   #", " ####", "    #", " ### "],
    "h": ["#    ", "#    ", "# ## ", "##  #", "#   #", "#   #", "#   #"],
    "i": ["  #  ", "     ", " ##  ", "  #  ", "  #  ", "  #  ", " ### "],
    "j": ["   # ", "     ", "  ## ", "   # ", "   # ", "#  # ", " ##  "],
    "k": ["#    ", "#    ", "#  # ", "# #  ", "##   ", "# #  ", "#  # "],
    "l": [" ##  ", "  #  ", "  #  ", "  #  ", "  #  ", "  #  ", " ### "],
    "m": ["     ", "     ", "## # ", "# # #", "# # #", "#   #", "#   #"],
    "n": ["     ", "     ", "# ## ", "##  #", "#   #", "#   #", "#   #"],
    "o": ["     ", "     ", " ### ", "#   #", "#   #", "#   #", " ### "],
    "p": ["     ", "     ", "#### ", "#   #", "#### ", "#    ", "#    "],
    "q": ["     ", "     ", " ## #", "#  ##", " ####", "    #", "    #"],
    "r": ["     ", "     ", "# ## ", "##  #", "#    ", "#    ", "#    "],
    "s": ["     ", "     ", " ### ", "#    ", " ### ", "    #", "#### "],
    "t": [" #   ", " #   ", "###  ", " #   ", " #   ", " #  #", "  ## "],
    "u": ["     ", "     ", "#   #", "#   #", "#   #", "#  ##", " ## #"],
    "v": ["     ", "     ", "#   #", "#   #", "#   #", " # # ", "  #  "],
    "w": ["     ", "     ", "#   #", "#   #", "# # #", "# # #", " # # "],
    "x": ["     ", "     ", "#   #", " # # ", "  #  ", " # # ", "#   #"],
    "y": ["     ", "     ", "#   #", "#   #", " ####", "    #", " ### "],
    "z": ["     ", "     ", "#####", "   # ", "  #  ", " #   ", "#####"],
    " ": ["     "] * 7,
    ".": ["     "] * 5 + [" ##  ", " ##  "],
    ",": ["     "] * 4 + [" ##  ", "  #  ", " #   "],
    ":": ["     ", " ##  ", " ##  ", "     ", " ##  ", " ##  ", "     "],
    "-": ["     ", "     ", "     ", "#####", "     ", "     ", "     "],
    "+": ["     ", "  #  ", "  #  ", "#####", "  #  ", "  #  ", "     "],
    "/": ["     ", "    #", "   # ", "  #  ", " #   ", "#    ", "     "],
    "(": ["   # ", "  #  ", " #   ", " #   ", " #   ", "  #  ", "   # "],
    ")": [" #   ", "  #  ", "   # ", "   # ", "   # ", "  #  ", " #   "],
    "%": ["##   ", "##  #", "   # ", "  #  ", " #   ", "#  ##", "   ##"],
    "_": ["     "] * 6 + ["#####"],
    "=": ["     ", "     ", "#####", "     ", "#####", "     ", "     "],
}


class Canvas:
    def __init__(self, width, height, background=(255, 255, 255)):
        self.w, self.h = width, height
        self.px = [bytearray(bytes(background) * width) for _ in range(height)]

    def set(self, x, y, colour):
        if 0 <= x < self.w and 0 <= y < self.h:
            self.px[y][3 * x:3 * x + 3] = bytes(colour)

    def line(self, x0, y0, x1, y1, colour, thick=1):
        x0, y0, x1, y1 = int(round(x0)), int(round(y0)), int(round(x1)), int(round(y1))
        dx, dy = abs(x1 - x0), -abs(y1 - y0)
        sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
        err = dx + dy
        while True:
            for ox in range(thick):
                for oy in range(thick):
                    self.set(x0 + ox - thick // 2, y0 + oy - thick // 2, colour)
            if x0 == x1 and y0 == y1:
                return
            e2 = 2 * err
            if e2 >= dy:
                err += dy
                x0 += sx
            if e2 <= dx:
                err += dx
                y0 += sy

    def text(self, x, y, s, colour=(0, 0, 0), scale=1):
        """Draws @s with its top left corner at (x, y); unknown characters
        become blanks."""
        for ch in s.lower():
            rows = _FONT_ROWS.get(ch, _FONT_ROWS[" "])
            for r, row in enumerate(rows):
                for c, ink in enumerate(row):
                    if ink == "#":
                        for i in range(scale):
                            for j in range(scale):
                                self.set(x + c * scale + i, y + r * scale + j, colour)
            x += 6 * scale

    def png(self):
        raw = b"".join(b"\x00" + bytes(row) for row in self.px)

        def chunk(kind, data):
            body = kind + data
            return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

        return (b"\x89PNG\r\n\x1a\n"
                + chunk(b"IHDR", struct.pack(">IIBBBBB", self.w, self.h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def text_width(s, scale=1):
    return 6 * scale * len(s)


def nice_ticks(lo, hi, count=5):
    """Round tick values covering [lo, hi]."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / count
    mag = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 10 ** -len(str(int(1 / raw)))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), default=raw)
    first = int(lo // step) * step
    ticks, v = [first], first
    while v < hi - step * 1e-9:
        v += step
        ticks.append(v)
    return ticks


def fmt(v):
    return f"{v:.0f}" if abs(v) >= 10 or v == int(v) else f"{v:.1f}"


def line_chart(path, series, title, xlabel, ylabel, width=800, height=420):
    """series: [(label, (r, g, b), [(x, y), ...]), ...]"""
    c = Canvas(width, height)
    left, right, top, bottom = 70, 20, 40, 50
    xs = [x for _, _, pts in series for x, _ in pts] or [0, 1]
    ys = [y for _, _, pts in series for _, y in pts] or [0, 1]
    xt, yt = nice_ticks(min(xs), max(xs)), nice_ticks(0, max(ys) * 1.05)
    x0, x1, y1 = xt[0], xt[-1], yt[-1]
    pw, ph = width - left - right, height - top - bottom

    def sx(x):
        return left + (x - x0) / ((x1 - x0) or 1) * pw

    def sy(y):
        return top + ph - y / (y1 or 1) * ph

    grey, black = (220, 220, 220), (0, 0, 0)
    for t in yt:
        c.line(left, sy(t), left + pw, sy(t), grey)
        c.text(left - 8 - text_width(fmt(t)), int(sy(t)) - 3, fmt(t))
    for t in xt:
        c.line(sx(t), top + ph, sx(t), top + ph + 4, black)
        c.text(int(sx(t)) - text_width(fmt(t)) // 2, top + ph + 8, fmt(t))
    c.line(left, top, left, top + ph, black)
    c.line(left, top + ph, left + pw, top + ph, black)
    c.text((width - text_width(title, 2)) // 2, 10, title, scale=2)
    c.text(left + (pw - text_width(xlabel)) // 2, height - 18, xlabel)
    c.text(4, top - 14, ylabel)
    for i, (label, colour, pts) in enumerate(series):
        for (ax, ay), (bx, by) in zip(pts, pts[1:]):
            c.line(sx(ax), sy(ay), sx(bx), sy(by), colour, thick=2)
        lx, ly = left + pw - 230, top + 8 + 14 * i
        c.line(lx, ly + 3, lx + 20, ly + 3, colour, thick=3)
        c.text(lx + 26, ly, label)
    with open(path + ".tmp", "wb") as f:
        f.write(c.png())
    import os
    os.replace(path + ".tmp", path)
