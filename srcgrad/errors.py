"""Every error srcgrad raises.

Errors about the user's code carry a location (file, line, column) and show the
offending line, so the message reads like a compiler diagnostic.
"""

import linecache


class SrcgradError(Exception):
    """Base class of all srcgrad errors."""


class LocatedError(SrcgradError):
    """An error that points at a place in the user's source."""

    def __init__(self, message, filename=None, lineno=None, col=None, hint=None):
        self.message = message
        self.filename = filename
        self.lineno = lineno
        self.col = col
        self.hint = hint
        super().__init__(self._render())

    @property
    def location(self):
        if self.filename is None or self.lineno is None:
            return None
        col = (self.col or 0) + 1
        return f"{self.filename}:{self.lineno}:{col}"

    def _render(self):
        parts = []
        where = self.location
        parts.append(f"{where}: {self.message}" if where else self.message)
        line = linecache.getline(self.filename, self.lineno) if where else ""
        if line.strip():
            text = line.rstrip("\n")
            parts.append("    " + text)
            if self.col is not None:
                parts.append("    " + " " * self.col + "^")
        if self.hint:
            parts.append(self.hint)
        return "\n".join(parts)


class UnsupportedSyntaxError(LocatedError):
    """A Python construct srcgrad cannot differentiate."""


class NoTemplateError(LocatedError):
    """A call to a function that has no derivative template and no source."""


class SourceUnavailableError(SrcgradError):
    """The function's source code cannot be read."""


class ArgumentError(SrcgradError):
    """`wrt` or the arguments passed to a gradient function are invalid."""


class NonScalarOutputError(LocatedError):
    """grad() was asked for the gradient of a function whose output is not a scalar."""


class InPlaceError(LocatedError):
    """An in-place update would change a value the reverse sweep still needs."""


class TemplateError(LocatedError):
    """A derivative template is malformed (reported when it is registered)."""


# --- the Tensor facade: also RuntimeErrors, as PyTorch raises in the same situations ----------

class TensorError(SrcgradError, RuntimeError):
    """A Tensor operation or backward pass cannot be done as asked."""


class GraphFreedError(TensorError):
    """Backward through a node whose saved values were freed by an earlier backward."""


class InplaceModifiedError(TensorError):
    """A value saved for backward was modified in place afterwards."""


class UnsupportedOpError(TensorError):
    """A NumPy function with no derivative template was called on a Tensor that requires grad."""
