"""Static reading of the code base for the architecture tests (design §4, docs/architecture.md).

Pure functions over the source tree: which modules exist, what each imports at run time, where
a status is written, where a method code is compared, where a view touches the ORM.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "zhengcai"

# The layers, lowest first. An app may import `core`, itself, and the apps listed before it;
# never one listed after it (design §3). `methods` is configuration read by every app above it.
LAYERS: tuple[str, ...] = (
    "core",
    "accounts",
    "credit",
    "catalog",
    "methods",
    "plans",
    "tenders",
    "bidding",
    "experts",
    "evaluation",
    "awards",
    "contracts",
    "archives",
    "mall",
    "supervision",
    "stats",
    "publishing",
)

# Procurement method codes (zhengcai.methods.codes.Method) and the old "procedure" words.
METHOD_CODES = frozenset(
    {
        "open_tender",
        "invited_tender",
        "negotiation",
        "consultation",
        "rfq",
        "single_source",
        "framework",
        "below_limit",
        "tender",
        "non_tender",
    }
)
METHOD_NAMES = frozenset(
    {
        "OPEN_TENDER",
        "INVITED_TENDER",
        "NEGOTIATION",
        "CONSULTATION",
        "RFQ",
        "SINGLE_SOURCE",
        "FRAMEWORK",
        "BELOW_LIMIT",
    }
)


@dataclass(frozen=True)
class Module:
    path: Path
    name: str  # zhengcai.plans.services

    @property
    def app(self) -> str:
        return self.name.split(".")[1] if self.name.count(".") >= 1 else ""

    @property
    def rel(self) -> str:
        return self.path.relative_to(ROOT).as_posix()

    @property
    def is_edge(self) -> bool:
        """A web view or API module (a module or a package of modules)."""
        parts = self.name.split(".")
        return any(p in ("views", "api") for p in parts[2:])


def _is_production(path: Path) -> bool:
    parts = path.relative_to(PACKAGE).parts
    return "tests" not in parts and "migrations" not in parts


@cache
def modules() -> tuple[Module, ...]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if not _is_production(path):
            continue
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out.append(Module(path, ".".join(parts)))
    return tuple(out)


@cache
def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _type_checking_nodes(mod: ast.Module) -> set[int]:
    """ids of the nodes inside `if TYPE_CHECKING:` blocks (imports for typing only)."""
    skip: set[int] = set()
    for node in ast.walk(mod):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else getattr(test, "attr", "")
            if name == "TYPE_CHECKING":
                for child in node.body:
                    skip.update(id(n) for n in ast.walk(child))
    return skip


@dataclass(frozen=True)
class Import:
    target: str  # the module imported (zhengcai.x.y)
    names: tuple[str, ...]  # the names taken from it ("from m import a, b")
    line: int


def imports(module: Module) -> list[Import]:
    """Run-time imports of a module (module level and inside functions; not TYPE_CHECKING)."""
    mod = tree(module.path)
    skip = _type_checking_nodes(mod)
    package = module.name if module.path.name == "__init__.py" else module.name.rsplit(".", 1)[0]
    out: list[Import] = []
    for node in ast.walk(mod):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                out.append(Import(alias.name, (), node.lineno))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names = tuple(a.name for a in node.names)
            out.append(Import(base, names, node.lineno))
    return out


def app_of(module_name: str) -> str | None:
    parts = module_name.split(".")
    if len(parts) >= 2 and parts[0] == "zhengcai":
        return parts[1]
    return None


def module_names() -> set[str]:
    return {m.name for m in modules()}


def resolve(imp: Import) -> list[str]:
    """The project modules an import brings in ("from pkg import mod" names a module too)."""
    known = module_names()
    found = []
    if imp.target in known:
        found.append(imp.target)
    for n in imp.names:
        sub = f"{imp.target}.{n}"
        if sub in known:
            found.append(sub)
    return found


# --- status writes ------------------------------------------------------------------------------


def status_writes(module: Module) -> list[int]:
    """Lines that write a `status` outside the state machine: `x.status = …`, `x.status += …`,
    `setattr(x, "status", …)`, `qs.update(status=…)`."""
    lines: list[int] = []
    for node in ast.walk(tree(module.path)):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for t in targets:
            elts = t.elts if isinstance(t, ast.Tuple) else [t]
            for e in elts:
                if isinstance(e, ast.Attribute) and e.attr == "status":
                    lines.append(node.lineno)
        if isinstance(node, ast.Call):
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr in ("update", "bulk_update")
                and any(k.arg == "status" for k in node.keywords)
            ):
                lines.append(node.lineno)
            if (
                isinstance(func, ast.Name)
                and func.id == "setattr"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value == "status"
            ):
                lines.append(node.lineno)
    return sorted(lines)


# --- method codes -------------------------------------------------------------------------------


def _is_method_value(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value in METHOD_CODES
    if isinstance(node, ast.Attribute) and node.attr in METHOD_NAMES:
        owner = node.value
        owner_name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
        return owner_name == "Method"
    if isinstance(node, ast.Set | ast.Tuple | ast.List):
        return any(_is_method_value(e) for e in node.elts)
    if isinstance(node, ast.Name):
        return node.id in {"TENDER_METHODS"}
    return False


def method_comparisons(module: Module) -> list[int]:
    """Lines comparing a value with a procurement method code (`==`, `!=`, `in`)."""
    lines = []
    for node in ast.walk(tree(module.path)):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_is_method_value(o) for o in operands):
                lines.append(node.lineno)
    return sorted(set(lines))


TEMPLATE_METHOD = re.compile(
    r"(==|!=)\s*['\"](" + "|".join(sorted(METHOD_CODES)) + r")['\"]|procedure\s*(==|!=)"
)


def templates() -> list[Path]:
    return sorted(PACKAGE.rglob("templates/**/*.html"))


def template_method_comparisons(path: Path) -> list[int]:
    text = path.read_text(encoding="utf-8")
    out = []
    for i, line in enumerate(text.splitlines(), 1):
        for m in TEMPLATE_METHOD.finditer(line):
            # `kind.value == "single_source"` and the like compare other vocabularies that
            # happen to share a word; only method-ish subjects count.
            before = line[: m.start()]
            subject = re.findall(r"([\w.]+)\s*$", before)
            if m.group(3) or (subject and re.search(r"method|\.code$|procedure", subject[-1])):
                out.append(i)
    return out


# --- ORM in the edges ---------------------------------------------------------------------------

ORM_ATTRS = frozenset({"objects", "_default_manager"})
ORM_FUNCS = frozenset({"get_object_or_404", "get_list_or_404"})


def orm_uses(module: Module) -> list[int]:
    lines = []
    for node in ast.walk(tree(module.path)):
        if isinstance(node, ast.Attribute) and node.attr in ORM_ATTRS:
            lines.append(node.lineno)
        if isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else getattr(f, "attr", "")
            if name in ORM_FUNCS:
                lines.append(node.lineno)
    return sorted(set(lines))


# --- private names across apps ------------------------------------------------------------------


def private_imports(module: Module) -> list[tuple[int, str]]:
    """`from zhengcai.<other app>… import _name` and `<other app module>._name` uses."""
    out = []
    own = module.app
    aliases: dict[str, str] = {}
    for imp in imports(module):
        app = app_of(imp.target)
        if app is None or app == own:
            continue
        for n in imp.names:
            if n.startswith("_") and not n.startswith("__"):
                out.append((imp.line, f"{imp.target}.{n}"))
        for sub in resolve(imp):
            aliases[sub.rsplit(".", 1)[-1]] = sub
    mod = tree(module.path)
    local_aliases: dict[str, str] = {}
    for node in ast.walk(mod):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and app_of(node.module)
            not in (
                None,
                own,
            )
        ):
            for a in node.names:
                local_aliases[a.asname or a.name] = f"{node.module}.{a.name}"
        if isinstance(node, ast.Import):
            for a in node.names:
                if app_of(a.name) not in (None, own):
                    local_aliases[a.asname or a.name] = a.name
    for node in ast.walk(mod):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and isinstance(node.value, ast.Name)
            and node.value.id in local_aliases
        ):
            out.append((node.lineno, f"{local_aliases[node.value.id]}.{node.attr}"))
    return out


# --- the import graph ---------------------------------------------------------------------------


def graph() -> dict[str, set[str]]:
    g: dict[str, set[str]] = {m.name: set() for m in modules()}
    for m in modules():
        for imp in imports(m):
            for target in resolve(imp):
                if target != m.name and not m.name.startswith(target + "."):
                    g[m.name].add(target)
    return g


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(g.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    import sys

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for v in sorted(g):
            if v not in index:
                visit(v)
    finally:
        sys.setrecursionlimit(limit)
    return sorted(out)


def line_counts() -> Iterator[tuple[Module, int]]:
    for m in modules():
        yield m, len(m.path.read_text(encoding="utf-8").splitlines())


# --- objects reached by pk without their access function ------------------------------------------

PK_ARG = re.compile(r"^(pk|\w+_pk|\w+_id)$")


def _calls(fn: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Call):
            f = node.func
            names.add(f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", ""))
            if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
                names.add(f"{f.value.id}.{f.attr}")
    return names


def _reaches_access(name: str, helpers: dict[str, set[str]], seen: set[str]) -> bool:
    """Does the call `name` (a helper among the app's edge modules) reach an access_*?"""
    if name in seen or name not in helpers:
        return False
    seen.add(name)
    return any(_is_access(c) or _reaches_access(c, helpers, seen) for c in helpers[name])


def _is_access(call: str) -> bool:
    """An access function, a scoped reader of an access module (`*_visible`), or a reader of
    what is public by law (`public_*`, `*_public`)."""
    last = call.rsplit(".", 1)[-1]
    return last.startswith(("access_", "public_")) or last.endswith(("_public", "_visible"))


@cache
def _edge_helpers(app: str) -> dict[str, set[str]]:
    """Module-level functions of every edge module of an app (views/api and their packages),
    with the calls each makes: a handler may reach its access function through a helper."""
    helpers: dict[str, set[str]] = {}
    for m in modules():
        if m.app == app and m.is_edge:
            for n in tree(m.path).body:
                if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef):
                    helpers.setdefault(n.name, set()).update(_calls(n))
    return helpers


def unguarded_pk_handlers(module: Module) -> list[int]:
    """Lines of edge functions (views, API handlers) that take an object's key from the path
    (`pk`, `<x>_pk`, `<x>_id`) but never call an `access_*` function — directly or through a
    helper of the same module — before reaching the object."""
    if not module.is_edge:
        return []
    mod = tree(module.path)
    functions = [n for n in mod.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    helpers = {**_edge_helpers(module.app), **{f.name: _calls(f) for f in functions}}
    lines = []
    for fn in functions:
        if fn.name.startswith("_"):
            continue
        args = [a.arg for a in fn.args.args + fn.args.kwonlyargs]
        if not any(PK_ARG.match(a) for a in args):
            continue
        calls = _calls(fn)
        if any(_is_access(c) or _reaches_access(c, helpers, set()) for c in calls):
            continue
        lines.append(fn.lineno)
    return lines
