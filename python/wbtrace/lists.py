"""List tracing by rewriting the script's syntax tree.

Every place in the script where a list can change is rewritten into a call to a hook on
``__wbtrace__`` (a global injected into the script's namespace). The hook reads the list's
state (length, allocated slots, item block address) before and after the real operation and
emits one event. Objects that are not lists pass straight through to the original
operation, so the script's behaviour is unchanged.
"""

import ast
import ctypes
import json
import operator
import sys
import threading
import time

HOOK = "__wbtrace__"

# Methods whose call on a list can change it.
LIST_METHODS = frozenset(
    ("append", "insert", "pop", "remove", "extend", "sort", "clear", "reverse")
)


class Layout:
    """The list object's memory layout, measured in this interpreter at start."""

    def __init__(self):
        self.pointer_size = ctypes.sizeof(ctypes.c_void_p)
        self.header = sys.getsizeof([])
        self.slot = (sys.getsizeof([None] * 4) - self.header) // 4
        # PyListObject: PyObject_VAR_HEAD (refcount, type, size), then ob_item.
        self.ob_item_offset = 3 * self.pointer_size
        probe_item = object()
        probe = [probe_item]
        block = ctypes.c_void_p.from_address(id(probe) + self.ob_item_offset).value
        first = ctypes.c_void_p.from_address(block).value if block else None
        self.verified = first == id(probe_item)

    def describe(self):
        return {
            "pointer_size": self.pointer_size,
            "list_header": self.header,
            "slot_size": self.slot,
            "ob_item_offset": self.ob_item_offset,
        }


def _normalise_index(i, n, insert=False):
    if i < 0:
        i += n
        if i < 0:
            i = 0
    if insert:
        return min(i, n)
    return min(i, max(n - 1, 0))


class ListHooks:
    """The hooks called by the rewritten script."""

    def __init__(self, emitter, layout, filename, max_items, max_pairs):
        self._emitter = emitter
        self._header = layout.header
        self._slot = layout.slot
        self._off = layout.ob_item_offset
        self._max_items = max_items
        self._max_pairs = max_pairs
        self._file = json.dumps(filename, ensure_ascii=False)
        self.slice = slice
        self.enabled = True

    # -- state and events ------------------------------------------------------------

    def _state(self, lst):
        if type(lst) is list:
            header = self._header
        else:
            header = self._header - list.__basicsize__ + type(lst).__basicsize__
        block = ctypes.c_void_p.from_address(id(lst) + self._off).value or 0
        return len(lst), (sys.getsizeof(lst) - header) // self._slot, block

    def _emit(self, op, lst, before, after, at, line, extra=""):
        n, alloc, block = after
        prev_alloc, prev_block = (before[1], before[2]) if before is not None else (0, 0)
        moved = prev_block != 0 and block != 0 and block != prev_block
        cap = self._max_items
        if at < 0:
            at = 0
        end = at + cap
        items = lst[at:end]
        more = "true" if n > end else "false"
        self._emitter.raw(
            '{"type":"list","op":"%s","list":%d,"len":%d,"allocated":%d,'
            '"prev_allocated":%d,"block":%d,"moved":%s,"at":%d,"items":[%s],"more":%s,'
            '"file":%s,"line":%d,"thread":%d,"t_ns":%d%s}'
            % (
                op,
                id(lst),
                n,
                alloc,
                prev_alloc,
                block,
                "true" if moved else "false",
                at,
                ",".join([str(id(x)) for x in items]),
                more,
                self._file,
                line,
                threading.get_ident(),
                time.monotonic_ns(),
                extra,
            )
        )

    # -- creation ----------------------------------------------------------------------

    def new(self, value, line, op="literal", built=None):
        if self.enabled and isinstance(value, list):
            extra = ',"built":"%s"' % built if built else ""
            self._emit(op, value, None, self._state(value), 0, line, extra)
        return value

    # -- method calls ------------------------------------------------------------------

    def append(self, obj, line, item):
        if not (self.enabled and isinstance(obj, list)):
            return obj.append(item)
        before = self._state(obj)
        result = obj.append(item)
        after = self._state(obj)
        self._emit("append", obj, before, after, after[0] - 1, line)
        return result

    def call(self, obj, name, line, *args, **kwargs):
        if not (self.enabled and isinstance(obj, list)):
            return getattr(obj, name)(*args, **kwargs)
        if name == "sort" and type(obj) is list:
            return self.sort(obj, line, *args, **kwargs)
        before = self._state(obj)
        n = before[0]
        snapshot = None
        if name == "insert" and args and isinstance(args[0], int):
            at = _normalise_index(args[0], n, insert=True)
        elif name == "pop":
            i = args[0] if args else kwargs.get("index", -1)
            at = _normalise_index(i, n) if isinstance(i, int) else 0
        elif name in ("extend", "append"):
            at = n
        elif name == "remove":
            snapshot = [id(x) for x in obj]
            at = 0
        else:
            at = 0
        method = getattr(obj, name)
        try:
            result = method(*args, **kwargs)
        except BaseException:
            after = self._state(obj)
            if after != before:
                self._emit(name, obj, before, after, 0, line, ',"failed":true')
            raise
        after = self._state(obj)
        if snapshot is not None:
            at = _first_difference(snapshot, obj)
        self._emit(name, obj, before, after, at, line)
        return result

    def sort(self, obj, line, *args, **kwargs):
        if args:
            # list.sort takes keyword arguments only: let it raise its own TypeError.
            return obj.sort(*args, **kwargs)
        key = kwargs.pop("key", None)
        reverse = kwargs.pop("reverse", False)
        if kwargs:
            return obj.sort(key=key, reverse=reverse, **kwargs)
        pairs = []
        max_pairs = self._max_pairs
        count = [0]
        counter = [0]

        class Key:
            __slots__ = ("k", "i")

            def __lt__(self, other):
                count[0] += 1
                if len(pairs) < max_pairs:
                    pairs.append((self.i, other.i))
                return self.k < other.k

        def wrap(x):
            w = Key()
            w.k = x if key is None else key(x)
            w.i = counter[0]
            counter[0] += 1
            return w

        before = self._state(obj)
        try:
            obj.sort(key=wrap, reverse=reverse)
        except BaseException:
            after = self._state(obj)
            self._emit_sort(obj, before, after, line, count[0], pairs, True)
            raise
        self._emit_sort(obj, before, self._state(obj), line, count[0], pairs, False)
        return None

    def _emit_sort(self, obj, before, after, line, count, pairs, failed):
        extra = ',"comparisons":%d,"pairs":[%s],"pairs_more":%s%s' % (
            count,
            ",".join(["[%d,%d]" % p for p in pairs]),
            "true" if count > len(pairs) else "false",
            ',"failed":true' if failed else "",
        )
        self._emit("sort", obj, before, after, 0, line, extra)

    def sorted(self, fn, line, *args, **kwargs):
        if not (self.enabled and fn is _builtin_sorted and len(args) == 1):
            return fn(*args, **kwargs)
        result = list(args[0])
        self.new(result, line, "sorted")
        self.call(result, "sort", line, **kwargs)
        return result

    # -- operators and statements ------------------------------------------------------

    def iadd(self, obj, value, line):
        if not (self.enabled and isinstance(obj, list)):
            return operator.iadd(obj, value)
        before = self._state(obj)
        result = operator.iadd(obj, value)
        self._emit("+=", obj, before, self._state(obj), before[0], line)
        return result

    def imul(self, obj, value, line):
        if not (self.enabled and isinstance(obj, list)):
            return operator.imul(obj, value)
        before = self._state(obj)
        result = operator.imul(obj, value)
        after = self._state(obj)
        self._emit("*=", obj, before, after, before[0] if after[0] > before[0] else 0, line)
        return result

    def setslice(self, value, obj, key, line):
        if not (self.enabled and isinstance(obj, list)):
            obj[key] = value
            return
        before = self._state(obj)
        obj[key] = value
        at = key.indices(before[0])[0] if isinstance(key, slice) else 0
        self._emit("setslice", obj, before, self._state(obj), at, line)

    def delitem(self, obj, key, line):
        if not (self.enabled and isinstance(obj, list)):
            del obj[key]
            return
        before = self._state(obj)
        del obj[key]
        if isinstance(key, slice):
            r = range(*key.indices(before[0]))
            at, op = (min(r) if r else 0), "delslice"
        else:
            at, op = _normalise_index(operator.index(key), before[0]), "del"
        self._emit(op, obj, before, self._state(obj), at, line)


_builtin_sorted = sorted


def _first_difference(snapshot, lst):
    for i, (a, b) in enumerate(zip(snapshot, lst)):
        if a != id(b):
            return i
    return min(len(snapshot), len(lst))


# -- the rewriting -----------------------------------------------------------------------


def _hook(name, node):
    return ast.copy_location(
        ast.Attribute(value=ast.Name(id=HOOK, ctx=ast.Load()), attr=name, ctx=ast.Load()), node
    )


def _call(name, args, node, keywords=()):
    call = ast.Call(func=_hook(name, node), args=list(args), keywords=list(keywords))
    return ast.copy_location(call, node)


def _const(value, node):
    return ast.copy_location(ast.Constant(value=value), node)


def _slice_call(sl, node):
    parts = [
        part if part is not None else _const(None, node)
        for part in (sl.lower, sl.upper, sl.step)
    ]
    return _call("slice", parts, node)


def _subscript_key(node):
    """The key of a subscript as an expression, or None when it cannot be moved."""
    sl = node.slice
    if isinstance(sl, ast.Slice):
        return _slice_call(sl, node)
    if sys.version_info < (3, 9):
        if isinstance(sl, ast.Index):
            return sl.value
        return None
    return sl


def _simple(node):
    return isinstance(node, (ast.Name, ast.Constant))


class Rewriter(ast.NodeTransformer):
    def visit_List(self, node):
        self.generic_visit(node)
        if isinstance(node.ctx, ast.Load):
            # How the compiler builds the display (3.9+): BUILD_LIST n (PyList_New(n)), or an
            # empty list then LIST_EXTEND for starred items and for more than two constants.
            elts = node.elts
            extend = any(isinstance(e, ast.Starred) for e in elts) or (
                len(elts) > 2 and all(isinstance(e, ast.Constant) for e in elts))
            built = "extend" if extend else "new"
            return _call("new", [node, _const(node.lineno, node), _const("literal", node),
                                 _const(built, node)], node)
        return node

    def visit_ListComp(self, node):
        self.generic_visit(node)
        return _call("new", [node, _const(node.lineno, node), _const("listcomp", node)], node)

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, (ast.Add, ast.Mult)) and (
            _is_list_expr(node.left) or _is_list_expr(node.right)
        ):
            op = "concat" if isinstance(node.op, ast.Add) else "repeat"
            return _call("new", [node, _const(node.lineno, node), _const(op, node)], node)
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        func = node.func
        line = _const(node.lineno, node)
        if isinstance(func, ast.Attribute) and func.attr in LIST_METHODS:
            if (
                func.attr == "append"
                and len(node.args) == 1
                and not node.keywords
                and not isinstance(node.args[0], ast.Starred)
            ):
                return _call("append", [func.value, line, node.args[0]], node)
            return _call(
                "call", [func.value, _const(func.attr, node), line] + node.args, node, node.keywords
            )
        if isinstance(func, ast.Name) and func.id == "list":
            return _call("new", [node, line, _const("list()", node)], node)
        if isinstance(func, ast.Name) and func.id == "sorted":
            return _call("sorted", [func, line] + node.args, node, node.keywords)
        return node

    def visit_AugAssign(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.Add):
            name = "iadd"
        elif isinstance(node.op, ast.Mult):
            name = "imul"
        else:
            return node
        target = node.target
        if isinstance(target, ast.Name):
            load = ast.copy_location(ast.Name(id=target.id, ctx=ast.Load()), target)
            store = ast.copy_location(ast.Name(id=target.id, ctx=ast.Store()), target)
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            load = ast.copy_location(
                ast.Attribute(value=target.value, attr=target.attr, ctx=ast.Load()), target
            )
            store = ast.copy_location(
                ast.Attribute(value=target.value, attr=target.attr, ctx=ast.Store()), target
            )
        elif (
            isinstance(target, ast.Subscript)
            and isinstance(target.value, ast.Name)
            and _simple_key(target)
        ):
            load = ast.copy_location(
                ast.Subscript(value=target.value, slice=target.slice, ctx=ast.Load()), target
            )
            store = ast.copy_location(
                ast.Subscript(value=target.value, slice=target.slice, ctx=ast.Store()), target
            )
        else:
            return node
        value = _call(name, [load, node.value, _const(node.lineno, node)], node)
        return ast.copy_location(ast.Assign(targets=[store], value=value), node)

    def visit_Assign(self, node):
        self.generic_visit(node)
        if len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript):
            target = node.targets[0]
            if isinstance(target.slice, ast.Slice):
                call = _call(
                    "setslice",
                    [
                        node.value,
                        target.value,
                        _slice_call(target.slice, target),
                        _const(node.lineno, node),
                    ],
                    node,
                )
                return ast.copy_location(ast.Expr(value=call), node)
        return node

    def visit_Delete(self, node):
        self.generic_visit(node)
        out = []
        for target in node.targets:
            key = _subscript_key(target) if isinstance(target, ast.Subscript) else None
            if key is None:
                out.append(ast.copy_location(ast.Delete(targets=[target]), node))
                continue
            call = _call("delitem", [target.value, key, _const(node.lineno, node)], target)
            out.append(ast.copy_location(ast.Expr(value=call), node))
        return out


def _simple_key(target):
    sl = target.slice
    if sys.version_info < (3, 9) and isinstance(sl, ast.Index):
        sl = sl.value
    return _simple(sl)


def _is_list_expr(node):
    if isinstance(node, (ast.List, ast.ListComp)):
        return True
    # An operand already rewritten into a creation hook.
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == HOOK
        and node.func.attr == "new"
    )


def rewrite(tree):
    tree = Rewriter().visit(tree)
    return ast.fix_missing_locations(tree)
