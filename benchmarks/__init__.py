"""srcgrad's benchmark suite: `python -m benchmarks [--quick]` prints the tables.

In data-flow order:

    objectives/        the NumPy objectives, written once (second_order.py: the higher-order rows)
    data.py            seeded inputs in the ADBench shapes      adbench.py  the reference readers (tests)
    suite.py           the rows: objective, wrt, inputs, hand-written gradient
    tools.py           the columns: each tool's gradient as a zero-argument callable
    numpy_switch.py    the objectives over autograd.numpy / jax.numpy; torch_objectives.py for PyTorch
    measure.py         one row: cross-check every gradient, then time side by side (timing.py)
    compile_cost.py    srcgrad's cold transformation and warm start (warm_start.py runs in a new process)
    tape.py            bytes held by srcgrad's tape
    main_table.py      the main table; higher_order.py, memory.py, passes.py the other sections
    table.py, report.py, plot.py, machine.py    text/Markdown output, the plot, the machine line
"""
