"""An awarded lot through the real services (evaluation builders → award_confirm)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zhengcai.awards import selectors
from zhengcai.awards.models import Award
from zhengcai.core import clock
from zhengcai.evaluation import services as ev_services
from zhengcai.evaluation.models import Evaluation
from zhengcai.evaluation.tests.builders import (
    PASSWORD,
    Ready,
    chair,
    declared,
    evaluation_ready,
    review_all,
)


@dataclass
class Awarded:
    r: Ready
    ev: Evaluation
    award: Award


def signed(method: str = "lowest_price", **kw: Any) -> tuple[Ready, Evaluation]:
    """A lot whose evaluation report is signed (the purchaser's 5 WD run, 条例 43); `kw` go to
    evaluation_ready (e.g. project_method="negotiation", method="lowest_quote")."""
    r = evaluation_ready(method=method, **kw)
    ev = declared(r)
    clock.freeze(r.evaluation_at)
    ev = ev_services.evaluation_start(actor=r.agency, evaluation=ev)
    review_all(r, ev)
    ev = ev_services.review_close(actor=chair(ev), evaluation=ev)
    if ev.status == "concluding":
        ev = ev_services.evaluation_conclude(actor=chair(ev), evaluation=ev)
    for m in ev.members.filter(status="active"):
        ev_services.report_sign(actor=m.user, evaluation=ev, agrees=True, password=PASSWORD)
    ev.refresh_from_db()
    assert ev.status == "signed", ev.status
    return r, ev


def awarded(**kw: Any) -> Awarded:
    r, ev = signed(**kw)
    first = ev_services.candidates(ev)[0]
    ev = ev_services.award_confirm(actor=r.purchaser, evaluation=ev, supplier=first.supplier)
    award = selectors.current_award(r.lot)
    assert award is not None
    return Awarded(r, ev, award)
