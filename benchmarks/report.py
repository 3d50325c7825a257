"""Writing the Markdown results: a new file, or the marked region of an existing page.

A page such as docs/performance.md keeps its prose and holds the results
between `<!-- benchmark results: begin -->` and `<!-- benchmark results: end -->`;
`--markdown` on such a page replaces only that region.
"""

import os

BEGIN = "<!-- benchmark results: begin -->"
END = "<!-- benchmark results: end -->"


def write(path, text):
    block = f"{BEGIN}\n{text.strip()}\n{END}\n"
    if os.path.exists(path):
        with open(path) as f:
            page = f.read()
        start, stop = page.find(BEGIN), page.find(END)
        if 0 <= start < stop:
            block = page[:start] + block + page[stop + len(END):].lstrip("\n")
    with open(path, "w") as f:
        f.write(block)
