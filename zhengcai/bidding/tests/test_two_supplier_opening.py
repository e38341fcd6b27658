"""Opening with 2 suppliers: a 竞争性磋商 on a recorded two-supplier basis (214号 21 ¶3, 34（三）;
财库〔2015〕124号) opens its responses and its sealed final quotations with 2; without the basis,
or with 1, it is not opened; other methods ignore a basis stored on them."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengcai.bidding import constants as c
from zhengcai.bidding import services
from zhengcai.bidding.models import Bid, Opening, Participation
from zhengcai.bidding.tests.factories import DEADLINE, World, project, register, submit
from zhengcai.core import clock
from zhengcai.tenders.constants import ProjectStatus, TwoSupplierBasis
from zhengcai.tenders.models import Project


def _project(w: World, method: str, basis: str) -> Project:
    # The bidding factory builds published projects with the ORM; the basis is recorded the
    # same way (through the tenders service it can only be set before publication).
    p = project(w, method=method)
    Project.objects.filter(pk=p.pk).update(two_supplier_basis=basis)
    p.refresh_from_db()
    return p


def _open_responses(
    w: World, method: str, basis: str, who: tuple[str, ...]
) -> tuple[Project, services.OpeningResult]:
    p = _project(w, method, basis)
    parts = {s: register(w, p, s) for s in who}
    for s, part in parts.items():
        submit(w, part, s, "900.00")
    clock.freeze(DEADLINE + dt.timedelta(seconds=1))
    result = services.opening_start(actor=w.users["agc_hz"], window=services.bid_window(p))
    p.refresh_from_db()
    return p, result


@pytest.mark.parametrize(
    "basis",
    [TwoSupplierBasis.RESEARCH, TwoSupplierBasis.TECH_TRANSFER, TwoSupplierBasis.PUBLIC_SERVICE],
)
def test_consultation_with_basis_opens_and_continues_with_two(w: World, basis: str) -> None:
    p, result = _open_responses(w, "consultation", basis, ("s1", "s2"))
    assert result.outcome == c.OpeningOutcome.OPENED
    assert (result.count, result.minimum) == (2, 2)
    assert p.status == ProjectStatus.OPENED
    assert Bid.objects.filter(window__project=p, total_price__isnull=False).count() == 2
    # the final quotation round goes on with the same 2 (214号 21 ¶3: 可以为2家)
    lot = p.lots.get()
    rnd = services.round_open(
        actor=w.users["agc_hz"],
        lot=lot,
        changes="服务期由12个月调整为10个月",
        purchaser_rep="王采购",
        final_deadline=clock.now() + dt.timedelta(hours=2),
    )
    assert rnd.final_window is not None
    for s, price in (("s1", "850.00"), ("s2", "820.00")):
        part = Participation.objects.get(lot=lot, supplier=w.orgs[s])
        submit(w, part, s, price, files={}, window=rnd.final_window)
    clock.freeze(rnd.final_window.deadline)
    final = services.opening_start(actor=w.users["agc_hz"], window=rnd.final_window)
    assert final.outcome == c.OpeningOutcome.OPENED and (final.count, final.minimum) == (2, 2)
    assert Bid.objects.filter(window=rnd.final_window, total_price__isnull=False).count() == 2


def test_consultation_without_basis_is_not_opened_with_two(w: World) -> None:
    p, result = _open_responses(w, "consultation", TwoSupplierBasis.NONE, ("s1", "s2"))
    assert result.outcome == c.OpeningOutcome.TERMINATE
    assert (result.count, result.minimum) == (2, 3)
    assert p.status == ProjectStatus.FAILED
    assert result.opening.status == c.OpeningStatus.NOT_OPENED
    assert result.opening.record["minimum"] == 3
    assert not Bid.objects.filter(window__project=p, total_price__isnull=False).exists()


def test_consultation_with_basis_but_one_response_is_terminated(w: World) -> None:
    # 财库〔2015〕124号: with 1 conforming supplier the procedure is terminated
    p, result = _open_responses(w, "consultation", TwoSupplierBasis.PUBLIC_SERVICE, ("s1",))
    assert result.outcome == c.OpeningOutcome.TERMINATE
    assert (result.count, result.minimum) == (1, 2)
    assert p.status == ProjectStatus.FAILED
    assert Opening.objects.get(pk=result.opening.pk).status == c.OpeningStatus.NOT_OPENED


@pytest.mark.parametrize(
    ("method", "outcome"),
    [
        ("negotiation", c.OpeningOutcome.TERMINATE),
        ("open_tender", c.OpeningOutcome.NEEDS_METHOD_CHANGE),
    ],
)
def test_a_basis_stored_on_another_method_is_ignored(w: World, method: str, outcome: str) -> None:
    p, result = _open_responses(w, method, TwoSupplierBasis.RESEARCH, ("s1", "s2"))
    assert result.outcome == outcome and result.minimum == 3
    assert p.status == ProjectStatus.FAILED
