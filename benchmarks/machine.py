"""A one-paragraph description of the machine and software a run measured."""

import os
import platform
import sys


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(module):
    try:
        return __import__(module).__version__
    except Exception:
        return None


def describe():
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    parts = [f"{cores} cores ({cpu_model()})", f"{platform.system()} {platform.release()}",
             f"Python {sys.version.split()[0]}"]
    for module in ("numpy", "srcgrad", "autograd", "torch", "jax"):
        v = _version(module)
        if v is not None:
            parts.append(f"{module} {v}")
    return ", ".join(parts)
