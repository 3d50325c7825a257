"""Bar chart of gradient/function per tool and objective (matplotlib is an optional dependency)."""

import numpy as np


def plot(results, path):
    """Write the chart to `path`; returns False (and writes nothing) without matplotlib."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    from .main_table import columns
    tools = [t for t in columns(results) if t != "function"]
    names = [r.name for r in results]
    fig, ax = plt.subplots(figsize=(11, 5.5))
    width = 0.8 / max(len(tools), 1)
    x = np.arange(len(names))
    for i, tool in enumerate(tools):
        ys = [r.ratio(tool, "function") or np.nan for r in results]
        ax.bar(x + (i - (len(tools) - 1) / 2) * width, ys, width, label=tool)
    ax.axhline(3.0, color="black", linestyle="--", linewidth=0.8, label="cheap-gradient bound (3)")
    ax.set_yscale("log")
    ax.set_ylabel("gradient time / function time")
    ax.set_xticks(x)
    ax.set_xticklabels(names, rotation=25, ha="right", fontsize=8)
    ax.legend(fontsize=8, ncol=2)
    ax.set_title("Gradient cost relative to the function (lower is better)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True
