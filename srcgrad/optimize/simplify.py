"""Constant folding and algebraic identities on generated expressions.

After `simplify(fn)`: operations on two constants are folded, `e ** 1`,
`e * 1.0`, `e + 0`, `e - 0`, `-(-e)` are reduced, `0 - e` becomes `-e`,
`unbroadcast(-g, x)` becomes `-unbroadcast(g, x)` (negating the sum, not the
array summed), and conditional expressions with a constant test keep one
branch.  Identities are only applied where they cannot change a value's type
in a way that matters (never to comparisons, whose booleans add differently).
"""

import operator

from .. import astlib as A
from .. import runtime

_FOLD = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
         "**": operator.pow}
_CMP = {"is": operator.is_, "is not": operator.is_not, "==": operator.eq, "!=": operator.ne}


def _num(node, value=None):
    if not A.is_const(node) or isinstance(node.value, bool) \
            or not isinstance(node.value, (int, float)):
        return False
    return value is None or node.value == value


def _boolish(node):
    return isinstance(node, (A.Compare, A.BoolOp)) or (
        isinstance(node, A.UnaryOp) and A.op_symbol(node.op) == "not")


class _Simplify(A.NodeTransformer):
    def visit_BinOp(self, node):
        self.generic_visit(node)
        sym = A.op_symbol(node.op)
        left, right = node.left, node.right
        if _num(left) and _num(right) and sym in _FOLD:
            try:
                value = _FOLD[sym](left.value, right.value)
                if isinstance(value, (int, float)) and abs(value) < 1e15:
                    return A.const(value)
            except (ArithmeticError, ValueError):
                pass
        if sym == "**" and _num(right, 1):
            return left
        if sym == "*" and _num(right, 1) and not _boolish(left):
            return left
        if sym == "*" and _num(left, 1) and not _boolish(right):
            return right
        if sym in "+-" and _num(right, 0) and not _boolish(left):
            return left
        if sym == "+" and _num(left, 0) and not _boolish(right):
            return right
        if sym == "-" and _num(left, 0):
            return A.unaryop("-", right)
        if sym == "/" and _num(right, 1) and not _boolish(left):
            return left
        if sym == "-" and isinstance(right, A.UnaryOp) and A.op_symbol(right.op) == "-":
            return A.binop(left, "+", right.operand)
        if sym == "+" and isinstance(right, A.UnaryOp) and A.op_symbol(right.op) == "-":
            return A.binop(left, "-", right.operand)
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        sym = A.op_symbol(node.op)
        if sym == "-" and isinstance(node.operand, A.UnaryOp) and A.op_symbol(node.operand.op) == "-":
            return node.operand.operand
        if sym == "-" and _num(node.operand):
            return A.const(-node.operand.value)
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        if A.anno(node.func, "global") is runtime.unbroadcast and len(node.args) == 2 \
                and not node.keywords and isinstance(node.args[0], A.UnaryOp) \
                and A.op_symbol(node.args[0].op) == "-":
            out = A.copy_node(node)
            out.args = [node.args[0].operand, node.args[1]]
            return A.unaryop("-", out)
        return node

    def visit_Compare(self, node):
        self.generic_visit(node)
        if len(node.ops) == 1 and A.is_const(node.left) and A.is_const(node.comparators[0]):
            fn = _CMP.get(A.op_symbol(node.ops[0]))
            if fn is not None and (node.left.value is None or node.comparators[0].value is None):
                return A.const(fn(node.left.value, node.comparators[0].value))
        return node

    def visit_IfExp(self, node):
        self.generic_visit(node)
        if A.is_const(node.test):
            return node.body if node.test.value else node.orelse
        return node


def simplify(fn, only=None):
    """Simplify `fn`; with `only`, just the assignments to those names (user code stays as written)."""
    if only is None:
        return _Simplify().visit(fn)
    from ..analysis import flow
    for st in flow.all_stmts(fn.body):
        if isinstance(st, A.Assign) and set(flow.defs(st)) and set(flow.defs(st)) <= only:
            st.value = _Simplify().visit(st.value)
    return fn
