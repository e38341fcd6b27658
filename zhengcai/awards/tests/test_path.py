"""The award → result notice → challenge "not upheld" → signing allowed path, shortened, for
each method the evaluation builders run to an award (issue 11: the same path for every
method): 公开招标 and 邀请招标 (最低评标价法), 竞争性谈判 (最低报价)."""

from __future__ import annotations

import pytest

from zhengcai.awards import constants as c
from zhengcai.awards import selectors, services
from zhengcai.awards.tests.builders import awarded

pytestmark = pytest.mark.django_db

LETTER = {
    "name": "质疑供应商",
    "address": "杭州市文三路 1 号",
    "postcode": "310012",
    "contact": "张三",
    "phone": "0571-88888888",
    "items": "评审打分错误，请求重新评审",
    "facts": "报价计算有误。",
    "legal_basis": "条例 53",
    "signatory": "张三",
}


@pytest.mark.parametrize(
    ("project_method", "method"),
    [
        ("open_tender", "lowest_price"),
        # 邀请招标 reaches the award only through prequalification and invitations: its path
        # runs in tests/scenarios/test_procurement_path.py.
        ("negotiation", "lowest_quote"),
    ],
)
def test_award_notice_challenge_and_signing(project_method: str, method: str) -> None:
    a = awarded(project_method=project_method, method=method)
    lot = a.r.lot
    assert selectors.signing_block(lot) is not None  # notice not yet published
    services.notice_publish(actor=a.r.agency, award=a.award, agency_fee="按标准收取，计 1 万元")
    assert selectors.signing_block(lot) is None
    loser = next(u for u in a.r.suppliers if u.organization_id != a.award.supplier_id)
    ch = services.challenge_file(actor=loser, lot=lot, subject="result", letter=LETTER)
    assert "条例 54" in (selectors.signing_block(lot) or "")
    services.challenge_answer(
        actor=a.r.agency,
        challenge=ch,
        outcome=c.Outcome.NOT_UPHELD,
        answer={"items_answer": "不成立", "facts": "复核无误", "legal_basis": "94号令 16"},
    )
    assert selectors.signing_block(lot) is None
    assert selectors.current_award(lot) == a.award
