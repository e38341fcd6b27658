"""The SME price deduction is the rate the documents publish (issue 10 item 6; 46号 9;
财库〔2022〕19号): chosen by the purchaser inside the band in force, refused outside it, and
applied by the evaluation — no longer always the band's floor."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhengcai.core.errors import InvalidInput
from zhengcai.evaluation.tests.builders import evaluation_ready
from zhengcai.evaluation.tests.test_services import reviewed
from zhengcai.tenders import sme_rates
from zhengcai.tenders.models import ProcurementDocument

pytestmark = pytest.mark.django_db

PRICES = ["760000.00", "742000.00", "728000.00"]


def test_the_documents_start_at_the_floor_and_the_evaluation_uses_the_published_rate() -> None:
    r = evaluation_ready(
        prices=PRICES, sizes=["small", "", ""], document_values={"sme_rate": "0.15"}
    )
    doc = ProcurementDocument.objects.get(project=r.project)
    assert doc.sme_rate == Decimal("0.1500")
    assert doc.sme_partial_rate == Decimal("0.0400")  # the floor of the 4–6 % band (19号)
    ev = reviewed(r)
    assert ev.policy["small_micro_rate"] == "0.1500"
    small = ev.bids.order_by("pk").first()
    assert small is not None
    assert small.evaluated_price == Decimal("646000.00")  # 760,000 × (1 − 15 %)


@pytest.mark.parametrize(
    ("field", "rate", "ok"),
    [
        ("sme_rate", "0.10", True),  # goods and services from 2022-07-01: 10–20 % (19号)
        ("sme_rate", "0.20", True),
        ("sme_rate", "0.0999", False),
        ("sme_rate", "0.2001", False),
        ("sme_partial_rate", "0.06", True),  # 4–6 %
        ("sme_partial_rate", "0.07", False),
        ("sme_rate", "abc", False),
    ],
)
def test_a_rate_outside_the_band_is_refused(field: str, rate: str, ok: bool) -> None:
    if ok:
        r = evaluation_ready(prices=PRICES, document_values={field: rate})
        doc = ProcurementDocument.objects.get(project=r.project)
        assert getattr(doc, field) == Decimal(rate)
        return
    with pytest.raises(InvalidInput) as exc:
        evaluation_ready(prices=PRICES, document_values={field: rate})
    assert exc.value.code == sme_rates.ERR_SME_RATE
    assert "价格扣除比例" in exc.value.message
