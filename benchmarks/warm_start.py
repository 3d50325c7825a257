"""Run in a new process by compile_cost.warm_start:
`python -m benchmarks.warm_start ROW [--quick] [--compile]`.

Builds row ROW's arguments (a row of the compile section with --compile; not
timed), then times `import srcgrad`, getting the compiled gradient
(`grad(f).split(...)`: the disk cache lookup) and the first gradient call, and
prints them as one JSON line with srcgrad's cache counters, so the caller can
tell a disk hit from a fresh transformation.
"""

import json
import sys
import time

from . import data, suite


def main(argv):
    index, quick = int(argv[0]), "--quick" in argv
    rows = suite.compile_benchmarks() if "--compile" in argv else suite.benchmarks(quick)
    bench = rows[index]
    values = list(bench.make(data.generator(0)).values())
    start = time.perf_counter()
    import srcgrad
    from srcgrad import cache
    imported = time.perf_counter()
    g = srcgrad.grad(bench.fn, bench.wrt)
    g.split(*values)
    got = time.perf_counter()
    try:
        g(*values)
        called = time.perf_counter()
    except Exception:           # a failing gradient is reported by the main table
        called = None
    stats = getattr(cache, "stats", {})
    print(json.dumps({"import": imported - start, "get": got - imported, "first_call": called and called - got,
                      "disk_hits": stats.get("disk_hits"), "transforms": stats.get("transforms")}))


if __name__ == "__main__":
    main(sys.argv[1:])
