"""Which actions can make a rule package emit anything, read from regorus' AST.

A decision need not evaluate a package whose every violation, breach and
obligation rule is guarded by a test on `input.action` that the event's action
cannot pass: such a package emits nothing for that event, so skipping it gives
the same decision. This module proves that from the policy source and nothing
else; whatever it cannot prove counts as "every action" (the package is always
evaluated), so a rule is never skipped by mistake.

A guard is a conjunct of a rule body, not negated and without `with`:
- `input.action == "use"` (either side);
- `input.action in {"use", "transfer"}`, or `in` a rule (local or through an
  import) defined only as a constant set of strings;
- a local rule, each of whose bodies is guarded (`applies if input.action in …`).
A body's actions are the intersection of its guards; a rule's are the union over
its bodies (an `else` branch is a body too); a package's the union over its
emitting rules.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import regorus

from engine.backend import CalendarReads
from engine.errors import PolicyProblem

Actions = frozenset[str] | None  # None: not provable, evaluate for every action

_MAX_DEPTH = 8


def _var(node: Any) -> str | None:
    return node["Var"]["value"] if isinstance(node, dict) and "Var" in node else None


def _path(node: Any) -> list[str] | None:
    """`a.b.c` as ["a", "b", "c"]; None for anything else (calls, indexes, …)."""
    if not isinstance(node, dict):
        return None
    if "Var" in node:
        return [node["Var"]["value"]]
    if "RefDot" in node:
        base = _path(node["RefDot"]["refr"])
        field = node["RefDot"]["field"]
        name = field[1] if isinstance(field, list) and len(field) == 2 else None
        return base + [name] if base is not None and isinstance(name, str) else None
    return None


def _strings(node: Any) -> frozenset[str] | None:
    if isinstance(node, dict) and "Set" in node:
        items = node["Set"]["items"]
        if all(isinstance(i, dict) and "String" in i for i in items):
            return frozenset(i["String"]["value"] for i in items)
    return None


def _is_action(node: Any) -> bool:
    return _path(node) == ["input", "action"]


class _Module:
    def __init__(self, package: list[str], rules: dict[str, list[dict]], aliases: dict[str, list[str]]):
        self.package, self.rules, self.aliases = package, rules, aliases
        self.defaults: set[str] = set()  # a default value holds whatever the action


@lru_cache(maxsize=1024)
def _parsed(path: str, text: str) -> tuple[dict, ...]:
    """regorus' AST of one module (shared by the analyses of one load)."""
    engine = regorus.Engine()
    try:
        engine.add_policy(path, text)
        return tuple(json.loads(engine.get_ast_as_json()))
    finally:
        # Not kept by a traceback that another thread may free (the wheel
        # cannot drop an engine off its own thread).
        del engine


def _rule_name(rule: dict) -> str | None:
    if "Default" in rule:
        return _var(rule["Default"].get("refr"))
    spec = rule.get("Spec")
    if not spec:
        return None
    head = spec["head"]
    return _var(head[next(iter(head))].get("refr"))


def _input_fields(node: Any, found: set[str]) -> bool:
    """Add to `found` the top-level `input` fields `node` reads (`input.f`,
    `input["f"]`, `object.get(input, "f", d)`); False if it reads `input` in a
    way that cannot be followed: the whole of it (passed to another function,
    bound to a variable, replaced by `with`) or under a computed key."""
    if isinstance(node, list):
        return all(_input_fields(item, found) for item in node)
    if not isinstance(node, dict):
        return True
    if _var(node) == "input":
        return False
    call = node.get("Call")
    if isinstance(call, dict) and _path(call.get("fcn")) == ["object", "get"] and call["params"] and _var(call["params"][0]) == "input":
        key = call["params"][1] if len(call["params"]) > 1 else None
        if isinstance(key, dict) and "Array" in key:  # object.get(input, ["a", "b"], d) reads input.a
            key = (key["Array"]["items"] or [None])[0]
        if not (isinstance(key, dict) and "String" in key):
            return False
        found.add(key["String"]["value"])
        return _input_fields(call["params"][2:], found)
    for kind in ("RefDot", "RefBrack"):
        ref = node.get(kind)
        if isinstance(ref, dict) and _var(ref.get("refr")) == "input":
            if kind == "RefDot":
                field = ref["field"]
                name = field[1] if isinstance(field, list) and len(field) == 2 else None
            else:
                index = ref["index"]
                name = index["String"]["value"] if isinstance(index, dict) and "String" in index else None
            if not isinstance(name, str):
                return False
            found.add(name)
            return kind == "RefDot" or _input_fields(ref["index"], found)
    return all(_input_fields(value, found) for value in node.values())


def input_field_readers(modules: list[tuple[str, str]]) -> dict[str, frozenset[str]] | None:
    """For each top-level field of `input`, the rules (`package.rule`) that read
    it; None when some rule or import reads `input` in a way that cannot be
    followed, so any field may be read anywhere."""
    readers: dict[str, set[str]] = {}
    for path, text in modules:
        for entry in _parsed(path, text):
            ast = entry["ast"]
            package = ".".join(_path(ast["package"]["refr"]) or ["?"])
            for imp in ast.get("imports", []):
                target = _path(imp["refr"])
                if not target or target[0] == "input":  # an alias of the input hides what is read
                    return None
            for rule in ast.get("rules", []):
                fields: set[str] = set()
                if not _input_fields(rule, fields):
                    return None
                for name in fields:
                    readers.setdefault(name, set()).add(f"{package}.{_rule_name(rule)}")
    return {name: frozenset(rules) for name, rules in readers.items()}


def _chain(node: Any) -> tuple[str | None, list[str], list[Any]]:
    """A reference chain (`a.b["c"][x].d`) as its root variable, its static
    fields up to the first computed key, and every computed key (to look into)."""
    fields: list[str] = []
    keys: list[Any] = []
    while isinstance(node, dict):
        if "RefDot" in node:
            field = node["RefDot"]["field"]
            name = field[1] if isinstance(field, list) and len(field) == 2 else None
            fields = [name] + fields if isinstance(name, str) else []
            node = node["RefDot"]["refr"]
        elif "RefBrack" in node:
            index = node["RefBrack"]["index"]
            if isinstance(index, dict) and "String" in index:
                fields = [index["String"]["value"]] + fields
            else:
                fields = []  # a computed key: only what comes before it is static
                keys.append(index)
            node = node["RefBrack"]["refr"]
        else:
            break
    return _var(node), fields, keys


def _data_prefix(node: Any) -> tuple[list[str] | None, list[Any]]:
    """For a reference chain (`data.a.b[x].c`): its static path under `data`
    up to the first computed key (["a", "b"]), None when the chain is not
    rooted at `data`; and the computed keys met on the way (to look into)."""
    root, fields, keys = _chain(node)
    return (fields if root == "data" else None), keys


def _data_refs(node: Any, found: list[list[str]]) -> None:
    """Add to `found` the static path under `data` of every reference to it in
    `node` (a bare `data`, or one indexed by a computed key first, is [])."""
    if isinstance(node, list):
        for item in node:
            _data_refs(item, found)
        return
    if not isinstance(node, dict):
        return
    if _var(node) == "data":
        found.append([])
        return
    if "RefDot" in node or "RefBrack" in node:
        prefix, keys = _data_prefix(node)
        if prefix is not None:
            found.append(prefix)
            _data_refs(keys, found)
            return
    for value in node.values():
        _data_refs(value, found)


def package_dependencies(modules: list[tuple[str, str]]) -> dict[str, tuple[str, frozenset[str]]]:
    """For each module (by path): its package and the packages among `modules`
    it may read (through an import or any reference under `data`, itself
    included). A reference that is a prefix of a package, or lies inside one,
    counts; so does every package for a reference to the whole of `data`."""
    parsed: dict[str, tuple[list[str], list[list[str]]]] = {}
    for path, text in modules:
        for entry in _parsed(path, text):
            ast = entry["ast"]
            package = _path(ast["package"]["refr"]) or []
            found: list[list[str]] = []
            for imp in ast.get("imports", []):
                target = _path(imp["refr"])
                if target and target[0] == "data":
                    found.append(target[1:])
            _data_refs(ast.get("rules", []), found)
            parsed[path] = (package[1:] if package[:1] == ["data"] else package, found)
    packages = {".".join(package): package for package, _ in parsed.values()}

    def matches(ref: list[str], package: list[str]) -> bool:
        n = min(len(ref), len(package))
        return ref[:n] == package[:n]

    return {path: (".".join(package), frozenset(name for name, other in packages.items() if any(matches(r, other) for r in refs)))
            for path, (package, refs) in parsed.items()}


class GuardAnalysis:
    def __init__(self, modules: list[tuple[str, str]]):
        self.by_package: dict[tuple[str, ...], _Module] = {}
        for path, text in modules:
            for entry in _parsed(path, text):
                self._read(entry)

    def _read(self, entry: dict) -> None:
        ast, source = entry["ast"], entry["source"]["contents"]
        package = _path(ast["package"]["refr"])
        if package is None:
            return
        aliases: dict[str, list[str]] = {}
        for imp in ast.get("imports", []):
            target = _path(imp["refr"])
            if not target or target[0] != "data":
                continue
            span = imp.get("as")
            name = source[span["start"]:span["end"]] if isinstance(span, dict) else target[-1]
            aliases[name] = target[1:]
        module = self.by_package.setdefault(tuple(package), _Module(package, {}, aliases))
        module.aliases.update(aliases)
        for rule in ast.get("rules", []):
            name = _rule_name(rule)
            if "Default" in rule:
                module.defaults.add(name or "")
            elif rule.get("Spec") and name is not None:
                module.rules.setdefault(name, []).append(rule["Spec"])

    # --- constants and helpers ---------------------------------------------

    def _lookup(self, module: _Module, path: list[str]) -> tuple[_Module, str] | None:
        """The module and rule a reference in `module` names, if it names a rule."""
        if len(path) == 1 and path[0] in module.rules:
            return module, path[0]
        if path[0] in module.aliases:
            path = module.aliases[path[0]] + path[1:]
        elif path[0] == "data":
            path = path[1:]
        else:
            return None
        target = self.by_package.get(tuple(path[:-1]))
        return (target, path[-1]) if target and path[-1] in target.rules else None

    def _constant_set(self, module: _Module, node: Any) -> frozenset[str] | None:
        literal = _strings(node)
        if literal is not None:
            return literal
        path = _path(node)
        found = self._lookup(module, path) if path else None
        if not found:
            return None
        target, name = found
        specs = target.rules[name]
        if name in target.defaults or len(specs) != 1 or specs[0]["bodies"] or "Compr" not in specs[0]["head"]:
            return None
        assign = specs[0]["head"]["Compr"].get("assign")
        return _strings(assign["value"]) if assign else None

    def _literal_guard(self, module: _Module, stmt: dict, depth: int) -> Actions:
        if stmt.get("with_mods"):
            return None
        literal = stmt.get("literal", {})
        if "Expr" not in literal:  # NotExpr, SomeVars, SomeIn, Every: no guard
            return None
        expr = literal["Expr"]["expr"]
        if "BoolExpr" in expr and expr["BoolExpr"]["op"] == "Eq":
            lhs, rhs = expr["BoolExpr"]["lhs"], expr["BoolExpr"]["rhs"]
            for a, b in ((lhs, rhs), (rhs, lhs)):
                if _is_action(a) and isinstance(b, dict) and "String" in b:
                    return frozenset([b["String"]["value"]])
            return None
        if "Membership" in expr and expr["Membership"].get("key") is None and _is_action(expr["Membership"]["value"]):
            return self._constant_set(module, expr["Membership"]["collection"])
        name = _var(expr)
        if name is not None and name in module.rules:
            return self._rule_actions(module, name, depth + 1)
        return None

    def _body_actions(self, module: _Module, body: dict, depth: int) -> Actions:
        found: Actions = None
        for stmt in body["query"]["stmts"]:
            guard = self._literal_guard(module, stmt, depth)
            if guard is not None:
                found = guard if found is None else found & guard
        return found

    def _rule_actions(self, module: _Module, name: str, depth: int = 0) -> Actions:
        if depth > _MAX_DEPTH or name in module.defaults:
            return None
        actions: set[str] = set()
        for spec in module.rules[name]:
            if not spec["bodies"]:
                return None  # a rule with no body holds whatever the action
            for body in spec["bodies"]:
                guard = self._body_actions(module, body, depth)
                if guard is None:
                    return None
                actions |= guard
        return frozenset(actions)

    def package_actions(self, package: str, emitting: tuple[str, ...]) -> Actions:
        module = self.by_package.get(tuple(package.split(".")))
        if module is None:
            return None
        actions: set[str] = set()
        for name in emitting:
            if name not in module.rules:
                continue
            found = self._rule_actions(module, name)
            if found is None:
                return None
            actions |= found
        return frozenset(actions)


# --- what reaches the working-day calendar ---------------------------------

def _head_root(rule: dict) -> str | None:
    """The name a rule defines: the root of its head (`due` for `due.x := …`
    or `due[k] := …`); None when the head has no root variable."""
    if "Default" in rule:
        return _chain(rule["Default"].get("refr"))[0]
    spec = rule.get("Spec")
    if not spec:
        return None
    head = spec["head"]
    return _chain(head[next(iter(head))].get("refr"))[0]


def _chain_base(node: Any) -> Any:
    """What a reference chain starts from (a variable, a call, a literal, …)."""
    while isinstance(node, dict) and ("RefDot" in node or "RefBrack" in node):
        node = node["RefDot"]["refr"] if "RefDot" in node else node["RefBrack"]["refr"]
    return node


def calendar_readers(modules: list[tuple[str, str]], calendar_document: str = "calendar") -> dict[str, CalendarReads]:
    """For each package whose rules use the working-day calendar
    (`data.govshare.<calendar_document>`), directly or through any rule they
    reference (a local rule, an imported or `data.`-rooted one, a function),
    everything those rules read from the input and from stored state.

    The engine refuses to decide when a date in a year the calendar does not
    know sits in any of these: that is every date a deadline may be counted
    from or compared with. The closure is over whole rules, so it may name more
    than reaches the calendar. What it cannot follow counts as everything: an
    input read it cannot name (the whole input, a computed key, an alias of
    `input`) or a rule head without a root name makes every input field count;
    a reference into `data` it cannot resolve names every rule under it."""
    rules: dict[tuple[str, str], list[dict]] = {}
    aliases: dict[str, dict[str, list[str]]] = {}
    unfollowed: set[str] = set()  # packages whose input reads cannot be followed
    for path, text in modules:
        for entry in _parsed(path, text):
            ast, source = entry["ast"], entry["source"]["contents"]
            package = _path(ast["package"]["refr"]) or []
            package = ".".join(package[1:] if package[:1] == ["data"] else package)
            found = aliases.setdefault(package, {})
            for imp in ast.get("imports", []):
                target = _path(imp["refr"])
                if target and target[0] == "input":
                    unfollowed.add(package)  # an alias of the input hides which fields are read
                if target and target[0] in ("data", "input"):
                    span = imp.get("as")
                    found[source[span["start"]:span["end"]] if isinstance(span, dict) else target[-1]] = target
            for rule in ast.get("rules", []):
                name = _head_root(rule)
                if name is None:
                    unfollowed.add(package)  # a head it cannot name: count everything the package might read
                    name = "<unnamed>"
                rules.setdefault((package, name), []).append(rule)
    packages = {package for package, _ in rules}

    def resolve(path: list[str]) -> list[tuple[str, str]]:
        """The rules a static path under `data` may name (all of a package's for a prefix)."""
        for cut in range(len(path), 0, -1):
            package = ".".join(path[:cut])
            if package in packages:
                rest = path[cut:]
                return [key for key in rules if key[0] == package and (not rest or key[1] == rest[0])]
        prefix = ".".join(path)
        return [key for key in rules if not prefix or key[0] == prefix or key[0].startswith(prefix + ".")]

    def reads(package: str, rule: dict) -> tuple[set[tuple[str, str]], frozenset[str] | None, set[str]]:
        used: set[tuple[str, str]] = set()
        documents: set[str] = set()

        def visit(node: Any) -> None:
            if isinstance(node, list):
                for item in node:
                    visit(item)
                return
            if not isinstance(node, dict):
                return
            if "Var" in node or "RefDot" in node or "RefBrack" in node:
                root, fields, keys = _chain(node)
                target: list[str] | None = None
                if root == "data":
                    target = fields
                elif root in aliases.get(package, {}):
                    target = aliases[package][root][1:] + fields if aliases[package][root][0] == "data" else None
                elif root is not None and (package, root) in rules:
                    used.add((package, root))
                if target is not None:
                    if target[:1] == ["govshare"]:
                        documents.add(target[1] if len(target) > 1 else "*")
                    else:
                        used.update(resolve(target))
                visit(keys)
                if "Var" not in node:
                    base = _chain_base(node)
                    if _var(base) is None:
                        visit(base)  # a call, literal or comprehension indexed into
                    return
            for value in node.values():
                visit(value)

        visit(rule)
        fields: set[str] = set()
        followed = _input_fields(rule, fields) and package not in unfollowed
        return used, (frozenset(fields) if followed else None), documents

    direct = {key: [reads(key[0], rule) for rule in bodies] for key, bodies in rules.items()}
    on_calendar = {key for key, found in direct.items() if any(calendar_document in docs or "*" in docs for _, _, docs in found)}
    result: dict[str, CalendarReads] = {}
    for package in sorted(packages):
        seen: set[tuple[str, str]] = set()
        todo = [key for key in rules if key[0] == package]
        while todo:
            key = todo.pop()
            if key not in seen:
                seen.add(key)
                todo.extend(used for found in direct[key] for used in found[0])
        if not seen & on_calendar:
            continue
        fields: set[str] | None = set()
        stored: set[str] = set()
        for key in seen:
            for _, read, docs in direct[key]:
                fields = None if fields is None or read is None else fields | read
                stored |= docs - {calendar_document}
        result[package] = CalendarReads(None if fields is None else frozenset(fields), frozenset(stored))
    return result


# --- `not` over a call: what OPA evaluates before the negation ---------------
#
# Measured with OPA v1.20 (opa-golib-python-bindings 0.4.4): OPA's compiler
# rewrites each operand of a call that is a reference or another call into a
# local assigned *before* the `not` (`not trim_space(input.c) != ""` runs as
# `__l = input.c; __m = trim_space(__l); not neq(__m, "")`). When that operand
# is undefined the whole body fails under OPA, where regorus (and the plain
# reading) finds the `not` true. Every operator but `==`/`=` is such a call:
# `!=`, `<`, `+`, `|`, and `in` (`internal.member_2`: `not input.x in s` with
# no `input.x` is undefined under OPA); a computed key of a reference is lifted
# the same way (`not data.g[input.k]`). `==`/`=` is unification: its plain
# reference operands stay inside (`not input.x == "a"` means the same in both),
# a call or a collection holding a reference does not. Operands that are local
# variables or literals, and partial-set rules (always defined, empty at
# worst), lift to the same value, so they are not flagged.

_CALL_OPS = ("Call", "ArithExpr", "BinExpr", "Membership")
_COLLECTIONS = ("Array", "Set", "Object")


def _span(node: Any) -> dict | None:
    return next(iter(node.values())).get("span") if isinstance(node, dict) and len(node) == 1 and isinstance(next(iter(node.values())), dict) else None


class _NegatedCalls:
    """The operands OPA would evaluate outside each `not` of one module."""

    def __init__(self, ast: dict, source: str) -> None:
        self.source = source.encode()  # regorus' spans count UTF-8 bytes
        heads: dict[str, set[str]] = {}
        for rule in ast.get("rules", []):
            name = _head_root(rule)
            kind = "Default" if "Default" in rule else next(iter(rule.get("Spec", {}).get("head", {"?": 0})))
            if name:
                heads.setdefault(name, set()).add(kind)
        # Names that are references in OPA (not local variables): rules, imports.
        self.refs = {name for name in heads} | {"input", "data"}
        self.always_defined = {name for name, kinds in heads.items() if kinds == {"Set"}}
        for imp in ast.get("imports", []):
            target = _path(imp["refr"])
            span = imp.get("as")
            if target:
                self.refs.add(self.source[span["start"]:span["end"]].decode() if isinstance(span, dict) else target[-1])

    def text(self, node: Any) -> str:
        span = _span(node)
        return self.source[span["start"]:span["end"]].decode() if span else "?"

    def _lifted_operand(self, node: Any) -> bool:
        """Whether OPA evaluates this call operand before the `not` and it may be undefined."""
        if not isinstance(node, dict):
            return False
        name = _var(node)
        if name is not None:
            return name in self.refs and name not in self.always_defined
        if "RefDot" in node or "RefBrack" in node:
            return True
        if any(kind in node for kind in ("BoolExpr", *_CALL_OPS)):
            return True
        if any(kind in node for kind in _COLLECTIONS):
            return self._holds_ref(node)
        return False  # literals, comprehensions (always defined)

    def _holds_ref(self, node: Any) -> bool:
        if isinstance(node, list):
            return any(self._holds_ref(item) for item in node)
        if not isinstance(node, dict):
            return False
        if _var(node) is not None:
            return self._lifted_operand(node)
        if "RefDot" in node or "RefBrack" in node or any(kind in node for kind in _CALL_OPS):
            return True
        return any(self._holds_ref(value) for value in node.values())

    def lifted(self, node: Any, found: list[Any]) -> None:
        """Add to `found` each part of the negated expression `node` OPA lifts."""
        if not isinstance(node, dict) or len(node) != 1:
            return
        kind, body = next(iter(node.items()))
        if not isinstance(body, dict):
            return
        if kind in ("BoolExpr", "AssignExpr") and body.get("op") == "Eq":
            for side in (body["lhs"], body["rhs"]):
                if any(k in side for k in ("BoolExpr", *_CALL_OPS)) or (any(k in side for k in _COLLECTIONS) and self._holds_ref(side)):
                    found.append(side)
                else:
                    self.lifted(side, found)
            return
        if kind in ("BoolExpr", *_CALL_OPS):
            operands = body.get("params") if kind == "Call" else [body.get(k) for k in ("lhs", "rhs", "key", "value", "collection")]
            for operand in operands or []:
                if operand is not None and self._lifted_operand(operand):
                    found.append(operand)
            return
        if kind in ("RefDot", "RefBrack"):
            if kind == "RefBrack" and self._lifted_operand(body["index"]):
                found.append(body["index"])  # `data.g[input.k]`: the key is evaluated first
            base = body["refr"]
            if isinstance(base, dict) and any(k in base for k in _CALL_OPS):
                found.append(base)  # `f(x).y`: the call is evaluated first (OPA issue 7558)
            else:
                self.lifted(base, found)


def negated_call_problems(modules: list[tuple[str, str]]) -> list[PolicyProblem]:
    """Each `not` over an expression whose operands OPA evaluates before the
    negation (see above): refused, as the rule would then mean something else
    under OPA than under regorus."""
    problems: list[PolicyProblem] = []
    for path, text in modules:
        for entry in _parsed(path, text):
            module = _NegatedCalls(entry["ast"], entry["source"]["contents"])

            def visit(node: Any) -> None:
                if isinstance(node, list):
                    for item in node:
                        visit(item)
                    return
                if not isinstance(node, dict):
                    return
                negated = node.get("NotExpr")
                if isinstance(negated, dict) and "expr" in negated:
                    found: list[Any] = []
                    module.lifted(negated["expr"], found)
                    if found:
                        span = negated["span"]
                        # The line as written: a span ends before a string's closing quote.
                        written = module.source.decode().splitlines()[span["line"] - 1].strip()
                        parts = "、".join(f"`{module.text(part)}`" for part in found)
                        parts_en = ", ".join(f"`{module.text(part)}`" for part in found)
                        problems.append(PolicyProblem(path, span["line"], span["col"], (
                            f"`{written}` 在 OPA 下含义不同：OPA 先在 `not` 之外求 {parts} 的值，其值未定义时整条规则体不成立，"
                            f"而 regorus 判 `not` 为真；请把该表达式写成一条辅助规则再取反（如 `cause_stated if trim_space(…) != \"\"` 与 `not cause_stated`）"
                            f" / `{written}` means something else under OPA: OPA evaluates {parts_en} before the `not`, so when it is "
                            f"undefined the whole body fails where regorus finds the `not` true; put the expression in a helper rule and negate that "
                            f"(`cause_stated if trim_space(…) != \"\"`, then `not cause_stated`)")))
                for value in node.values():
                    visit(value)

            visit(entry["ast"].get("rules", []))
    return problems
