"""The main table: one row per objective, the function, every tool's gradient, srcgrad's costs.

Columns, per tool: its gradient time, gradient/function ("g/f") and, for the
peers, the peer's time over srcgrad's ("÷sg": above 1 srcgrad is faster).
Then srcgrad's cold transformation time, the time a new process takes to get
the gradient from the disk cache, and the bytes the tape holds.  A tool that is
missing everywhere (e.g. JAX not installed) gets no columns.
"""

from . import table, tools
from .table import ratio, seconds, size

LEGEND = ("g/f: gradient time / function time.  ÷sg: the tool's time / srcgrad's (above 1: "
          "srcgrad is faster).  transform: srcgrad's first grad() of the function, cold, disk cache "
          "off, minus one gradient evaluation (median of three).  warm: a new process getting the "
          "compiled gradient "
          "from the on-disk cache (after `import srcgrad`; * when it was not a disk hit, which happens "
          "when srcgrad's own source changes during the run).  tape: bytes the forward sweep keeps "
          "for the backward one.  Times are medians of repeated runs measured side by side.  "
          "! marks a gradient that disagrees with srcgrad's; × marks a tool that failed.")


def columns(results):
    """The tools that have a figure or an error in at least one row."""
    return [t for t in tools.TOOLS
            if any(t in r.times or t in r.errors for r in results)]


def _cell(row, tool):
    if tool in row.errors:
        return "×"
    text = seconds(row.times.get(tool))
    return text + ("!" if tool in row.mismatches else "")


def build(results):
    used = columns(results)
    headers = ["objective", "f"]
    for tool in used:
        if tool == "function":
            continue
        headers += [tool, "g/f"] + ([] if tool == "srcgrad" else ["÷sg"])
    headers += ["transform", "warm", "tape"]
    rows = []
    for r in results:
        cells = [r.name, _cell(r, "function")]
        for tool in used:
            if tool == "function":
                continue
            cells += [_cell(r, tool), ratio(r.ratio(tool, "function"))]
            if tool != "srcgrad":
                cells.append(ratio(r.ratio(tool, "srcgrad")))
        warm = seconds(r.warm.get("get")) if r.warm else "—"
        if r.warm and (not r.warm.get("disk_hits") or r.warm.get("transforms")):
            warm += "*"
        cells += [seconds(r.transform), warm, size(r.tape.bytes if r.tape else None)]
        rows.append(cells)
    return headers, rows


def problems(results):
    """Footnote lines: failures, mismatches and notes, row by row."""
    lines = []
    for r in results:
        for tool, msg in r.errors.items():
            lines.append(f"{r.name}: {tool} FAILED: {msg}")
        for tool, msg in r.mismatches.items():
            lines.append(f"{r.name}: GRADIENT MISMATCH, {tool} vs {r.reference}: {msg}")
        for note in r.notes:
            lines.append(f"{r.name}: {note}")
    return lines


def render(results, markdown=False):
    headers, rows = build(results)
    out = [table.render(headers, rows, markdown, title="Gradients")]
    out += ["", LEGEND]
    missing = sorted({f"{t}: {r.missing[t]}" for r in results for t in r.missing
                      if t not in columns(results)})
    if missing:
        out += ["", "Not measured: " + "; ".join(missing) + "."]
    issues = problems(results)
    if issues:
        out += [""] + [("- " if markdown else "") + line for line in issues]
    return "\n".join(out)
