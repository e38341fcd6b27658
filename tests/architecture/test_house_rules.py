"""The house rules of design §4, checked on the source (issue 架构).

Each rule reads the code base statically (`house.py`). Where today's code still breaks a rule,
the place is listed in a DEBT table with how many times it does: the test fails when a place
breaks the rule more often than listed (a new violation) and also when less often (the table
must shrink with the fix, so debt never silently grows back). The goal is every table empty.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.architecture import house

# --- 1. one door per state change ----------------------------------------------------------------

# Not aggregate statuses: DomainError.status is the HTTP status of an error.
STATUS_NOT_AGGREGATE = {"zhengcai/core/errors.py", "zhengcai/core/transitions.py"}
STATUS_DEBT: dict[str, int] = {}

# --- 2. methods are configuration ----------------------------------------------------------------

METHOD_DEBT: dict[str, int] = {}

# --- 3. thin edges: no ORM in a view or API module ----------------------------------------------

ORM_DEBT: dict[str, int] = {}

# An edge function that takes an object's key from the path reaches it only through its access_*
# function (or a reader of public data), directly or through a helper of the app's edge modules.
PK_DEBT: dict[str, int] = {}

# --- 4. layering ---------------------------------------------------------------------------------

UPWARD_DEBT: dict[str, int] = {}
PRIVATE_DEBT: dict[str, int] = {}
CYCLE_DEBT: list[list[str]] = []

# --- 5. modules one can hold in one's head -------------------------------------------------------

MAX_LINES = 600
SIZE_DEBT: dict[str, int] = {}


def _ratchet(found: Counter[str], debt: dict[str, int], rule: str, where: dict[str, list]) -> None:
    grown = {k: (n, debt.get(k, 0)) for k, n in found.items() if n > debt.get(k, 0)}
    shrunk = {k: (found.get(k, 0), n) for k, n in debt.items() if found.get(k, 0) < n}
    problems = []
    for k, (n, allowed) in sorted(grown.items()):
        problems.append(f"{k}: {n} × {rule} (allowed {allowed}) at lines {where.get(k)}")
    for k, (n, allowed) in sorted(shrunk.items()):
        problems.append(f"{k}: now {n} × {rule}, the DEBT table still says {allowed} — lower it")
    assert not problems, "\n".join(problems)


def test_status_is_written_only_by_the_state_machine() -> None:
    found: Counter[str] = Counter()
    where: dict[str, list] = {}
    for m in house.modules():
        if m.rel in STATUS_NOT_AGGREGATE:
            continue
        lines = house.status_writes(m)
        if lines:
            found[m.rel] = len(lines)
            where[m.rel] = lines
    _ratchet(found, STATUS_DEBT, "status written outside core.transitions", where)


def test_method_codes_are_compared_only_in_methods() -> None:
    found: Counter[str] = Counter()
    where: dict[str, list] = {}
    for m in house.modules():
        if m.app == "methods":
            continue
        lines = house.method_comparisons(m)
        if lines:
            found[m.rel] = len(lines)
            where[m.rel] = lines
    for path in house.templates():
        lines = house.template_method_comparisons(path)
        rel = path.relative_to(house.ROOT).as_posix()
        if lines:
            found[rel] = len(lines)
            where[rel] = lines
    _ratchet(found, METHOD_DEBT, "method code compared outside zhengcai.methods", where)


def test_views_and_api_handlers_do_not_query_the_database() -> None:
    found: Counter[str] = Counter()
    where: dict[str, list] = {}
    for m in house.modules():
        if not m.is_edge:
            continue
        lines = house.orm_uses(m)
        if lines:
            found[m.rel] = len(lines)
            where[m.rel] = lines
    _ratchet(found, ORM_DEBT, "ORM query in a view/API module (use selectors or access_*)", where)


def test_objects_named_in_the_path_are_reached_through_access() -> None:
    found: Counter[str] = Counter()
    where: dict[str, list] = {}
    for m in house.modules():
        lines = house.unguarded_pk_handlers(m)
        if lines:
            found[m.rel] = len(lines)
            where[m.rel] = lines
    _ratchet(found, PK_DEBT, "object fetched by its key without access_*", where)


def test_apps_import_only_what_is_below_them() -> None:
    rank = {a: i for i, a in enumerate(house.LAYERS)}
    found: Counter[str] = Counter()
    where: dict[str, list] = {}
    unknown = []
    for m in house.modules():
        if m.name == "zhengcai":
            continue
        if m.app not in rank:
            unknown.append(m.app)
            continue
        for imp in house.imports(m):
            target = house.app_of(imp.target)
            if target is None or target == m.app:
                continue
            if target not in rank:
                unknown.append(target)
                continue
            if rank[target] > rank[m.app] or (m.app == "core" and target != "core"):
                found[m.rel] += 1
                where.setdefault(m.rel, []).append(f"{imp.line}: {imp.target}")
    assert not unknown, f"apps missing from house.LAYERS: {sorted(set(unknown))}"
    _ratchet(found, UPWARD_DEBT, "upward import", where)


def test_no_private_name_is_used_across_apps() -> None:
    found: Counter[str] = Counter()
    where: dict[str, list] = {}
    for m in house.modules():
        uses = house.private_imports(m)
        if uses:
            found[m.rel] = len(uses)
            where[m.rel] = uses
    _ratchet(found, PRIVATE_DEBT, "private name of another app", where)


def test_no_import_cycles_between_modules() -> None:
    found = house.cycles(house.graph())
    new = [c for c in found if c not in CYCLE_DEBT]
    gone = [c for c in CYCLE_DEBT if c not in found]
    assert not new, f"import cycles: {new}"
    assert not gone, f"cycles fixed, remove them from CYCLE_DEBT: {gone}"


def test_no_module_is_too_big_to_hold_in_ones_head() -> None:
    too_big = {}
    for m, n in house.line_counts():
        if n > MAX_LINES:
            allowed = SIZE_DEBT.get(m.rel, MAX_LINES)
            if n > allowed:
                too_big[m.rel] = (n, allowed)
    stale = [k for k in SIZE_DEBT if not (house.ROOT / k).exists()] + [
        k for m, n in house.line_counts() for k in [m.rel] if k in SIZE_DEBT and n <= MAX_LINES
    ]
    assert not too_big, f"modules over {MAX_LINES} lines (or over their debt): {too_big}"
    assert not stale, f"split or shrunk — remove from SIZE_DEBT: {stale}"


@pytest.mark.parametrize(
    ("rule", "source", "expected"),
    [
        ("status", "x.status = 'a'\n", [1]),
        ("status", "Bid.objects.filter(pk=1).update(status='a')\n", [1]),
        ("status", "setattr(x, 'status', 'a')\n", [1]),
        ("status", "x.status_reason = 'a'\nstatus = 3\n", []),
        ("method", "if p.method == 'consultation':\n    pass\n", [1]),
        ("method", "if p.method in {Method.RFQ, Method.NEGOTIATION}:\n    pass\n", [1]),
        ("method", "if ev.procedure != 'tender':\n    pass\n", [1]),
        ("method", "if request.method == 'POST':\n    pass\n", []),
        ("orm", "def v(r):\n    return Plan.objects.get(pk=1)\n", [2]),
        ("orm", "def v(r):\n    return get_object_or_404(Plan, pk=1)\n", [2]),
        ("orm", "def v(r):\n    return selectors.plan_get(pk=1)\n", []),
        ("pk", "def v(r, pk):\n    return selectors.plan_get(pk)\n", [1]),
        ("pk", "def v(r, plan_id):\n    return access.access_plan(user=u, pk=plan_id)\n", []),
        (
            "pk",
            "def _g(u, pk):\n    return access_plan(u, pk)\ndef v(r, pk):\n    return _g(1, pk)\n",
            [],
        ),
        ("pk", "def v(r, notice_id):\n    return selectors.public_notice_get(notice_id)\n", []),
        ("pk", "def v(r, q):\n    return selectors.plans(q)\n", []),
    ],
)
def test_the_readers_catch_what_they_should(
    tmp_path: object, rule: str, source: str, expected: list[int]
) -> None:
    """Each reader fires on the pattern it names and not on its look-alikes."""
    from pathlib import Path

    path = Path(str(tmp_path)) / "probe.py"
    path.write_text(source, encoding="utf-8")
    module = house.Module(path, "zhengcai.probe.views")
    house.tree.cache_clear()
    reader = {
        "status": house.status_writes,
        "method": house.method_comparisons,
        "orm": house.orm_uses,
        "pk": house.unguarded_pk_handlers,
    }[rule]
    assert reader(module) == expected
