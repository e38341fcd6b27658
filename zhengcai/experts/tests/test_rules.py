"""Pure rules of the expert database and the draw."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhengcai.experts import rules as r

SEED = "0f" * 32
EVAL = dt.date(2026, 11, 25)


def make_id(prefix: str = "33010619800101123") -> str:
    return prefix + r.id_check_char(prefix)


def test_id_number() -> None:
    good = make_id()
    assert r.id_number_problem(good) is None
    assert r.birth_date_from_id(good) == dt.date(1980, 1, 1)
    assert r.mask_id_number(good) == "330***********" + good[-4:]
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    assert "校验位" in (r.id_number_problem(wrong_check) or "")
    assert r.id_number_problem("33010619801301123X")  # month 13
    assert r.id_number_problem("12345")


def test_registration_conditions_198_6() -> None:
    ok = r.registration_problems(
        title_level="senior", years_in_field=0, birth_date=dt.date(1970, 1, 1), today=EVAL
    )
    assert ok == []
    junior = r.registration_problems(
        title_level="intermediate", years_in_field=7, birth_date=None, today=EVAL
    )
    assert len(junior) == 1
    old = r.registration_problems(
        title_level="senior", years_in_field=30, birth_date=dt.date(1956, 11, 25), today=EVAL
    )
    assert any("70" in p for p in old)


def test_specialty_codes_and_prefix_match() -> None:
    assert r.specialty_code_problem("A02010104") is None
    assert r.specialty_code_problem("A0201") is None
    assert r.specialty_code_problem("A020") is not None
    assert r.specialty_code_problem("D01") is not None
    assert r.code_prefixes("A02010104") == ["A02", "A0201", "A020101", "A02010104"]
    assert r.specialty_matches(["A0201"], ["A02010104"])  # broad expert, narrow item
    assert r.specialty_matches(["A02010104"], ["A0201"])  # narrow expert, broad item
    assert not r.specialty_matches(["A0202"], ["A0201"])
    assert not r.specialty_matches(["C01"], ["A0201"])


def test_draw_is_the_published_algorithm() -> None:
    ids = [5, 17, 3, 99, 42]
    expected = sorted(ids, key=lambda i: hashlib.sha256(f"{SEED}:1:{i}".encode()).hexdigest())
    assert r.draw(SEED, 1, ids, 3) == expected[:3]
    assert r.seeded_order(SEED, ids, salt=1) == expected
    assert r.draw(SEED, 1, ids, 10) == expected  # fewer available than asked
    assert r.draw(SEED, 1, ids, 0) == []


def test_commitment() -> None:
    assert r.seed_commitment(SEED) == hashlib.sha256(SEED.encode()).hexdigest()
    assert r.eligible_digest([3, 1, 2]) == r.eligible_digest([1, 2, 3, 3])


@given(
    st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
    st.integers(1, 5),
    st.sets(st.integers(1, 10**6), max_size=60),
    st.integers(0, 12),
    st.randoms(use_true_random=False),
)
def test_draw_reproducible_and_order_independent(
    seed: str, round_no: int, ids: set[int], n: int, rnd: object
) -> None:
    as_list = list(ids)
    rnd.shuffle(as_list)  # type: ignore[attr-defined]
    first = r.draw(seed, round_no, ids, n)
    assert first == r.draw(seed, round_no, as_list, n)
    assert len(first) == min(n, len(ids)) and len(set(first)) == len(first)
    assert set(first) <= ids
    # Drawing more extends, never reshuffles, the earlier picks.
    assert r.draw(seed, round_no, ids, n + 1)[:n] == first


# --- eligibility ---------------------------------------------------------------------------------

CTX = r.DrawContext(
    purchaser_id=1,
    agency_id=2,
    bidder_ids=frozenset({10, 11}),
    evaluation_date=EVAL,
    specialty_codes=("A0201",),
    region_paths=("/330000/330100/",),
)


def good(**kw: object) -> r.Candidate:
    base: dict[str, object] = {
        "id": 1,
        "status": "active",
        "region_path": "/330000/330100/330106/",
        "specialties": ("A020101",),
        "certificate_expires": dt.date(2027, 1, 1),
        "training_status": "passed",
        "birth_date": dt.date(1970, 1, 1),
    }
    base.update(kw)
    return r.Candidate(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"status": "suspended"}, "status"),
        ({"status": "banned"}, "status"),
        ({"certificate_expires": dt.date(2026, 11, 24)}, "certificate_expired"),
        ({"certificate_expires": None}, "certificate_expired"),
        ({"training_status": "none"}, "training"),
        ({"birth_date": dt.date(1956, 11, 25)}, "age"),
        ({"region_path": "/330000/330200/"}, "region"),
        ({"specialties": ("C0101",)}, "specialty"),
        ({"employer_id": 1}, "own_unit"),
        ({"employer_id": 2}, "agency_staff"),
        ({"employer_id": 10}, "bidder_employee"),
        ({"employer_id": 77, "employer_kind": "finance"}, "finance_staff"),
        ({"conflicts": (r.ConflictFact(11, "employment", dt.date(2024, 1, 1)),)}, "conflict"),
        ({"conflicts": (r.ConflictFact(11, "relative", None),)}, "conflict"),
        ({"conflicts": (r.ConflictFact(1, "director", dt.date(2023, 11, 25)),)}, "conflict"),
        ({"unavailable": ((dt.date(2026, 11, 20), dt.date(2026, 11, 25)),)}, "unavailable"),
        ({"busy_dates": frozenset({EVAL})}, "busy"),
        ({"purchaser_services": 3}, "same_purchaser"),
    ],
)
def test_each_exclusion(changes: dict[str, object], code: str) -> None:
    assert r.ineligibility(good(), CTX) == []
    reasons = r.ineligibility(good(**changes), CTX)
    assert [x.code for x in reasons] == [code]
    assert reasons[0].citation


@pytest.mark.parametrize(
    "changes",
    [
        {"birth_date": dt.date(1956, 11, 26)},  # turns 70 the day after
        {"certificate_expires": EVAL},  # valid through the evaluation day
        {"conflicts": (r.ConflictFact(11, "employment", dt.date(2023, 11, 24)),)},  # > 3 years
        {"conflicts": (r.ConflictFact(11, "relative", dt.date(2026, 1, 1)),)},  # ended
        {"conflicts": (r.ConflictFact(55, "employment", None),)},  # not a party
        {"purchaser_services": 2},
        {"region_path": "/330000/330100/"},
    ],
)
def test_not_excluded(changes: dict[str, object]) -> None:
    assert r.ineligibility(good(**changes), CTX) == []


def test_exam_required_is_configurable() -> None:
    strict = r.DrawContext(**{**CTX.__dict__, "require_exam_passed": True})
    assert r.ineligibility(good(training_status="trained"), CTX) == []
    assert [x.code for x in r.ineligibility(good(training_status="trained"), strict)] == [
        "training"
    ]


def test_draw_window_198_14() -> None:
    earliest = dt.date(2026, 11, 23)
    assert r.draw_window_problem(today=earliest, evaluation_date=EVAL, earliest=earliest) is None
    assert r.draw_window_problem(
        today=dt.date(2026, 11, 20), evaluation_date=EVAL, earliest=earliest
    )
    assert r.draw_window_problem(
        today=dt.date(2026, 11, 26), evaluation_date=EVAL, earliest=earliest
    )


candidates = st.builds(
    r.Candidate,
    id=st.integers(1, 10**6),
    status=st.sampled_from(["active", "active", "active", "suspended", "banned", "retired"]),
    region_path=st.sampled_from(["/330000/330100/", "/330000/330200/", "/330000/"]),
    specialties=st.lists(st.sampled_from(["A02", "A0201", "A0202", "C01"]), max_size=2).map(tuple),
    certificate_expires=st.one_of(st.none(), st.dates(dt.date(2026, 1, 1), dt.date(2028, 1, 1))),
    training_status=st.sampled_from(["none", "trained", "passed", "failed"]),
    birth_date=st.one_of(st.none(), st.dates(dt.date(1950, 1, 1), dt.date(1995, 1, 1))),
    employer_id=st.one_of(st.none(), st.integers(1, 12)),
    employer_kind=st.sampled_from([None, "finance", "purchaser"]),
    conflicts=st.lists(
        st.builds(
            r.ConflictFact,
            organization_id=st.integers(1, 12),
            kind=st.sampled_from(["employment", "director", "shareholder", "relative", "other"]),
            until=st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2027, 1, 1))),
        ),
        max_size=2,
    ).map(tuple),
    unavailable=st.lists(
        st.tuples(
            st.dates(dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
            st.dates(dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
        ),
        max_size=1,
    ).map(tuple),
    purchaser_services=st.integers(0, 4),
)


@given(
    st.lists(candidates, max_size=40, unique_by=lambda c: c.id),
    st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
    st.integers(1, 9),
)
@settings(max_examples=300)
def test_no_conflicted_expert_is_ever_drawn(pool: list[r.Candidate], seed: str, n: int) -> None:
    eligible, excluded = r.split_eligible(pool, CTX)
    drawn = r.draw(seed, 1, eligible, n)
    by_id = {c.id: c for c in pool}
    parties = {CTX.purchaser_id, CTX.agency_id, *CTX.bidder_ids}
    for pid in drawn:
        c = by_id[pid]
        assert r.ineligibility(c, CTX) == []
        assert c.status == "active"
        assert c.employer_id not in parties
        assert c.certificate_expires is not None and c.certificate_expires >= CTX.evaluation_date
        for f in c.conflicts:
            if f.organization_id in parties and f.kind in ("relative", "other"):
                assert f.until is not None and f.until < CTX.evaluation_date
    assert {e.candidate_id for e in excluded}.isdisjoint(drawn)
