"""Panel size above the 公开招标数额标准 (74号令 7; 87号令 47): the evaluation's committee is
checked against the threshold of the purchaser's region in force on the project's date
(catalog, dated), with the one size rule `PanelRule.min_size` the expert draw uses too."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhengcai.catalog.constants import ThresholdKind
from zhengcai.catalog.models import Threshold
from zhengcai.core import clock
from zhengcai.core.errors import RuleViolation
from zhengcai.evaluation import services as s
from zhengcai.evaluation.tests.builders import Ready, evaluation_ready

pytestmark = pytest.mark.django_db


def _regional_threshold(r: Ready, amount: Decimal) -> None:
    """A region lowers its 公开招标数额标准 (a dated catalog row) from the project's date."""
    org = r.project.purchaser
    Threshold.objects.create(
        region=org.region,
        unit_level=org.region.level,
        category="A",
        kind=ThresholdKind.OPEN_TENDER,
        amount=amount,
        effective_from=r.project.created_at.astimezone(clock.SHANGHAI).date(),
        basis="测试：本地区公开招标数额标准",
    )


def test_negotiation_panel_of_three_is_refused_at_the_threshold() -> None:
    r = evaluation_ready(project_method="negotiation", method="lowest_quote")
    assert r.draw.count == 3
    _regional_threshold(r, r.project.budget)  # budget == threshold: "达到" includes it
    with pytest.raises(RuleViolation) as exc:
        s.evaluation_open(actor=r.agency, lot=r.lot, draw=r.draw)
    assert exc.value.code == "committee_invalid"
    assert "谈判小组应不少于 5 人" in exc.value.message and "74号令 7" in exc.value.message


def test_negotiation_panel_of_three_stands_below_the_threshold() -> None:
    r = evaluation_ready(project_method="negotiation", method="lowest_quote")
    _regional_threshold(r, r.project.budget + Decimal("0.01"))
    ev = s.evaluation_open(actor=r.agency, lot=r.lot, draw=r.draw)
    assert ev.members.count() == 3


def test_consultation_panel_of_three_stands_above_the_threshold() -> None:
    """214号 14 has no 5-member rule that rules.md could confirm (§5 ⚠): 磋商 keeps 3."""
    r = evaluation_ready(project_method="consultation")
    _regional_threshold(r, Decimal("100000.00"))
    ev = s.evaluation_open(actor=r.agency, lot=r.lot, draw=r.draw)
    assert ev.members.count() == 3
