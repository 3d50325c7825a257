"""Tables as aligned text or Markdown, and the units the benchmark figures are printed in."""


def seconds(s):
    if s is None:
        return "—"
    if s >= 1.0:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.3g} ms"
    return f"{s * 1e6:.3g} µs"


def ratio(r):
    if r is None:
        return "—"
    if r >= 100:
        return f"{r:.0f}×"
    if r >= 10:
        return f"{r:.1f}×"
    return f"{r:.2f}×"


def size(n):
    if n is None:
        return "—"
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} B"


def render(headers, rows, markdown=False, title=None):
    """One table: `headers` a list of strings, `rows` lists of strings; first column left-aligned."""
    lines = []
    if markdown:
        if title:
            lines += [f"### {title}", ""]
        lines.append("| " + " | ".join(headers) + " |")
        lines.append("|" + "|".join([":---"] + ["---:"] * (len(headers) - 1)) + "|")
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]

    def line(cells):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    if title:
        lines.append(title)
    lines.append(line(headers))
    lines.append("  ".join("-" * w for w in widths))
    lines += [line(r) for r in rows]
    return "\n".join(lines)
