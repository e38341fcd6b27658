"""Only a complete 中小企业声明函 gets the SME price deduction (财库〔2020〕46号 4, 9): the
evaluation reads the declaration through `bidding.selectors.sme_declaration`, no longer the
bare `declarations.sme_size`. Boundaries through the evaluation service: a goods item made by
a large enterprise, missing 从业人员 / 营业收入, or only a size → no deduction; complete → the
documents' rate (ProcurementDocument.sme_rate); a large supplier subcontracting ≥ 30 % to
small firms → the documents' partial rate."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from zhengcai.bidding import client
from zhengcai.evaluation.tests.builders import evaluation_ready
from zhengcai.evaluation.tests.test_services import reviewed
from zhengcai.tenders.models import ProcurementDocument

pytestmark = pytest.mark.django_db

PRICE = "760000.00"
OTHERS = ["742000.00", "728000.00"]


def _goods(maker: dict[str, Any], **kw: Any) -> dict[str, Any]:
    decl = client.sme_declaration(
        items=[{"name": "便携式计算机", "industry": "industry", "manufacturer": maker}],
        no_large_affiliation=True,
        **kw,
    )
    return {"declarations": {"sme_size": "small", "sme_declaration": decl}}


def _first_bid(declarations: dict[str, Any], **ready: Any) -> Any:
    r = evaluation_ready(
        prices=[PRICE, *OTHERS],
        sizes=["", "", ""],
        schedules=[declarations, {}, {}],
        **ready,
    )
    ev = reviewed(r)
    # the bid whose schedule carries `declarations` is the one at PRICE; the reviewed bids'
    # creation order differs between databases, so it is found by its price, not by its pk
    first = next((b for b in ev.bids.order_by("pk") if b.opening_price == Decimal(PRICE)), None)
    assert first is not None
    return r, ev, first


@pytest.mark.parametrize(
    "declarations",
    [
        pytest.param({"declarations": {"sme_size": "small"}}, id="size-only"),
        pytest.param(_goods(client.sme_firm("大厂", "large")), id="large-manufacturer"),
        pytest.param(
            _goods({"name": "小厂", "industry": "industry", "size": "small", "assets_wan": "1"}),
            id="no-employees-no-revenue",
        ),
        pytest.param(
            {
                "declarations": {
                    "sme_declaration": client.sme_declaration(
                        items=[
                            {
                                "name": "便携式计算机",
                                "industry": "industry",
                                "manufacturer": client.sme_firm("小厂", "small"),
                            }
                        ],
                        no_large_affiliation=False,
                    )
                }
            },
            id="affiliation-not-declared",
        ),
    ],
)
def test_an_incomplete_declaration_gets_no_deduction(declarations: dict[str, Any]) -> None:
    _r, _ev, first = _first_bid(declarations)
    assert first.evaluated_price == Decimal(PRICE)
    assert first.deductions == []


def test_a_complete_declaration_gets_the_documents_rate() -> None:
    r, _ev, first = _first_bid(
        _goods(client.sme_firm("小厂", "small")), document_values={"sme_rate": "0.12"}
    )
    doc = ProcurementDocument.objects.get(project=r.project)
    assert doc.sme_rate == Decimal("0.1200")
    assert [d["code"] for d in first.deductions] == ["sme"]
    assert first.evaluated_price == Decimal("668800.00")  # 760,000 × (1 − 12 %)


def test_a_medium_manufacturer_is_an_sme_but_gets_no_small_micro_rate() -> None:
    _r, _ev, first = _first_bid(_goods(client.sme_firm("中厂", "medium")))
    assert first.evaluated_price == Decimal(PRICE)


@pytest.mark.parametrize(("share", "price"), [("30", "722000.00"), ("29", PRICE)])
def test_subcontracting_to_small_firms_gets_the_partial_rate(share: str, price: str) -> None:
    """A medium supplier of goods made by an SME, subcontracting ≥ 30 % to a micro firm:
    the partial rate the documents publish (46号 9); 760,000 × (1 − 5 %) = 722,000."""
    decl = _goods(
        client.sme_firm("中厂", "medium"),
        subcontracts=[{"name": "小微分包", "size": "micro", "share": share}],
    )
    r, _ev, first = _first_bid(decl, document_values={"sme_partial_rate": "0.05"})
    doc = ProcurementDocument.objects.get(project=r.project)
    assert doc.sme_partial_rate == Decimal("0.0500")
    assert first.evaluated_price == Decimal(price)


def test_a_consortium_with_a_large_member_and_a_60_percent_small_member_gets_the_partial_rate(
) -> None:  # fmt: skip
    """The declaration is not complete for the full deduction (a member is large: 46号 4),
    but its shares are declared completely: the partial rate (46号 9)."""
    decl = client.sme_declaration(
        items=[
            {"name": "便携式计算机", "industry": "industry",
             "manufacturer": client.sme_firm("小厂", "small")}
        ],
        no_large_affiliation=True,
    )  # fmt: skip
    decl["consortium"] = [
        client.sme_firm("大企业", "large", share="40"),
        client.sme_firm("小企业", "small", share="60"),
    ]
    _r, _ev, first = _first_bid({"declarations": {"sme_declaration": decl}})
    assert first.evaluated_price == Decimal("729600.00")  # 760,000 × (1 − 4 %)
