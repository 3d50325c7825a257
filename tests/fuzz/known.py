"""Known compiler bugs the fuzzer has already reported, by signature.

Each entry names a reported bug (and its strict-xfail regression
test in tests/test_fuzz_regressions.py) and recognizes the programs that hit
it, so one open bug does not mask new ones: a failing program that matches a
signature is counted as "known" and the run goes on.  When a bug is fixed its
regression test starts passing (strict xfail turns that into a failure), and
its entry here is deleted, so the fuzzer checks those programs again.
"""



def _lint_only(*kinds):
    """Every lint message is one of `kinds`."""
    def predicate(text, detail):
        msgs = [m for m in detail.split("\n\n")[0].splitlines() if m.strip()]
        return bool(msgs) and all(any(k in m for k in kinds) for m in msgs)
    return predicate


# id -> (statuses it produces, predicate on (program text, outcome detail))
KNOWN = {
    # (F1-F3 were fixed and removed)
    # (F6-F8 and L1-L3 were fixed and removed)
}


def match(status, text, detail=""):
    """The id of the known bug this failing program hits, or None."""
    for name, (statuses, predicate) in KNOWN.items():
        if status in statuses and predicate(text, detail):
            return name
    return None
