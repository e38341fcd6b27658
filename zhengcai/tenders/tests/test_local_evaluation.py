"""合理定价评审抽签法 is a local rule for works (issue 10 item 8; seed 001; 87号令 53; 条例 34):
allowed only for works and only where the region's dated rule enables it, with its basis."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from zhengcai.core import clock
from zhengcai.core.errors import RuleViolation
from zhengcai.methods import local
from zhengcai.plans.tests.factories import PlansWorld
from zhengcai.tenders import methods, services
from zhengcai.tenders.tests.factories import project

LOTTERY = "reasonable_price_lottery"
WORKS = "B08000000"  # 修缮工程


def enable(settings: Any, region_code: str, **kw: Any) -> None:
    row = {
        "region_code": region_code,
        "evaluation_method": LOTTERY,
        "basis": "某市人民政府办公室关于工程类采购合理定价评审抽签法的通知（测试）",
        "effective_from": "2026-01-01",
        **kw,
    }
    settings.ZHENGCAI = {**settings.ZHENGCAI, "LOCAL_EVALUATION_RULES": [row]}


def _set_lottery(w: PlansWorld, p: Any) -> Any:
    return services.document_update(
        actor=w.users["agc_hz"],
        project=p,
        values={"evaluation_method": LOTTERY, "factors": []},
    )


def test_the_lottery_is_a_works_only_form_of_the_tender_methods() -> None:
    for cfg in (methods.OPEN_TENDER, methods.INVITED_TENDER):
        assert cfg.allows(LOTTERY, "works")
        assert not cfg.allows(LOTTERY, "goods") and not cfg.allows(LOTTERY, "services")
        assert LOTTERY in cfg.local_evaluation


def test_the_local_rule_is_dated_and_per_region() -> None:
    rule = local.LocalEvaluationRule("330100", LOTTERY, ("works",), "依据", dt.date(2026, 3, 1))
    assert rule.applies(LOTTERY, "works", ["330102", "330100"], dt.date(2026, 3, 1))
    assert not rule.applies(LOTTERY, "works", ["330100"], dt.date(2026, 2, 28))
    assert not rule.applies(LOTTERY, "works", ["310000"], dt.date(2026, 3, 1))
    assert not rule.applies(LOTTERY, "goods", ["330100"], dt.date(2026, 3, 1))
    assert local.LOCAL_EVALUATION_RULES[0].basis.startswith("敖汉旗人民政府")


@pytest.mark.django_db
def test_goods_tender_refuses_the_lottery_even_where_the_region_enables_it(
    w: PlansWorld, settings: Any
) -> None:
    p = project(w)
    enable(settings, p.purchaser.region.code)
    with pytest.raises(RuleViolation) as e:
        _set_lottery(w, p)
    assert e.value.code == "evaluation_method_not_allowed"


@pytest.mark.django_db
def test_works_tender_needs_the_regions_rule_in_force(w: PlansWorld, settings: Any) -> None:
    p = project(w, item_code=WORKS)
    assert p.object_kind == "works"
    with pytest.raises(RuleViolation) as e:  # no rule for the region
        _set_lottery(w, p)
    assert e.value.code == "local_evaluation_method_not_enabled"
    today = clock.today()
    enable(settings, p.purchaser.region.code, effective_from=str(today + dt.timedelta(days=1)))
    with pytest.raises(RuleViolation) as e:  # adopted, not yet in force
        _set_lottery(w, p)
    assert e.value.code == "local_evaluation_method_not_enabled"
    enable(settings, p.purchaser.region.code, effective_from=str(today))
    assert _set_lottery(w, p).evaluation_method == LOTTERY
    # the rule lapses before the documents are finalized: refused there too
    lot = p.lots.get()
    terms = {"lottery_discount": "0.08", "reviewed_budgets": {lot.pk: str(lot.budget)}}
    services.document_update(actor=w.users["agc_hz"], project=p, values=terms)
    enable(settings, p.purchaser.region.code, effective_to=str(today - dt.timedelta(days=1)))
    services.compliance_check(actor=w.users["agc_hz"], project=p)
    with pytest.raises(RuleViolation) as e:
        services.document_finalize(actor=w.users["agc_hz"], project=p)
    assert e.value.code == "local_evaluation_method_not_enabled"
