"""Pages of the evaluation: every page and every POST through the Django test client on a lot
built by the real upstream services (builders.evaluation_ready), each with an error path whose
Chinese message is shown on the page with the user's input kept and the data unchanged."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from zhengcai.core import clock
from zhengcai.core.models import AuditEntry
from zhengcai.evaluation import constants as c
from zhengcai.evaluation.models import Check, Evaluation, Flag, ReviewedBid, Score, Signature
from zhengcai.evaluation.tests.builders import PASSWORD, Ready, evaluation_ready

S = c.EvaluationStatus
LOW = ["760000.00", "742000.00", "300000.00", "728000.00"]


def named(r: Ready) -> Ready:
    """Give the drawn experts distinct names (the factories call everyone 测试用户)."""
    from zhengcai.accounts.models import User

    for i, u in enumerate(r.experts, start=1):
        User.objects.filter(pk=u.pk).update(display_name=f"专家{'甲乙丙丁戊己庚'[i - 1]}")
        u.refresh_from_db()
    return r


def client(user: Any) -> Client:
    cl = Client()
    cl.force_login(user)
    return cl


def html(resp: Any) -> str:
    return resp.content.decode()


def audits() -> int:
    return AuditEntry.objects.count()


def open_page(r: Ready, reps: tuple[Any, ...] = ()) -> Evaluation:
    agency = client(r.agency)
    resp = agency.post(
        f"/evaluation/lots/{r.lot.pk}/open/",
        {"draw": r.draw.pk, "purchaser_reps": [u.pk for u in reps]},
    )
    assert resp.status_code == 302, html(resp)
    return Evaluation.objects.get(lot=r.lot)


def start_page(r: Ready, ev: Evaluation) -> None:
    for m in ev.members.all():
        assert (
            client(m.user).post(f"/evaluation/{ev.pk}/declare/", {"conflict": "0", "pledge": "on"})
        ).status_code == 302
    first = ev.members.get(position=1)
    client(r.agency).post(f"/evaluation/{ev.pk}/committee/", {"member": first.pk})
    clock.freeze(r.evaluation_at)
    client(r.agency).post(f"/evaluation/{ev.pk}/act/", {"op": "start"})
    ev.refresh_from_db()
    assert ev.status == S.REVIEWING


def review_page(r: Ready, ev: Evaluation) -> None:
    bids = list(ev.bids.order_by("pk"))
    passes = {f"v_{rb.pk}": "passed" for rb in bids}
    agency = client(r.agency)
    assert agency.post(f"/evaluation/{ev.pk}/review/qualification/", passes).status_code == 302
    for m in ev.members.filter(status="active"):
        resp = client(m.user).post(f"/evaluation/{ev.pk}/review/compliance/", passes)
        assert resp.status_code == 302
    chair = ev.members.get(is_chair=True).user
    client(chair).post(f"/evaluation/{ev.pk}/act/", {"op": "review_close"})
    ev.refresh_from_db()


def score_page(ev: Evaluation, *, outlier: bool = False) -> None:
    """Every member scores every valid bid; with `outlier` the chair gives the first bid 45 on
    技术方案 against the others' 20 (a spread over half the points, 87号令 64)."""
    first = ev.bids.filter(valid=True).order_by("pk").first()
    for m in ev.members.filter(status="active"):
        cl = client(m.user)
        for rb in ev.bids.filter(valid=True):
            tech = "45" if outlier and m.is_chair and first and rb.pk == first.pk else "20"
            resp = cl.post(
                f"/evaluation/{ev.pk}/scores/{rb.pk}/",
                {"s_0": tech, "n_0": "方案完整", "s_1": "12", "n_1": ""},
            )
            assert resp.status_code == 302, html(resp)


@pytest.mark.django_db
def test_agency_opens_and_forms_the_committee() -> None:
    r = named(evaluation_ready())
    agency = client(r.agency)
    home = html(agency.get("/evaluation/"))
    assert "待组织评审的采购包" in home and f"/evaluation/lots/{r.lot.pk}/open/" in home
    page = html(agency.get(f"/evaluation/lots/{r.lot.pk}/open/"))
    assert r.draw.project_name in page and "组建评审委员会" in page
    # error path: no draw chosen → form error, nothing written
    before = audits()
    resp = agency.post(f"/evaluation/lots/{r.lot.pk}/open/", {"draw": ""})
    assert resp.status_code == 400 and "这个字段是必填项" in html(resp)
    # error path: a purchaser rep pushes the experts under two thirds → the service's message
    resp = agency.post(
        f"/evaluation/lots/{r.lot.pk}/open/",
        {"draw": r.draw.pk, "purchaser_reps": [r.purchaser.pk]},
    )
    assert resp.status_code in (400, 422) and "form-error" in html(resp)
    assert html(resp).count("checked") >= 1  # the chosen representative is kept
    assert audits() == before and not Evaluation.objects.exists()
    # another organization's agency cannot reach the lot
    assert (
        client(r.world.users["agc_social"]).get(f"/evaluation/lots/{r.lot.pk}/open/").status_code
        == 404
    )
    ev = open_page(r)
    assert ev.members.count() == 5
    # before the start: experts see only their declaration; the names are secret to others
    expert = client(r.experts[0])
    assert expert.get(f"/evaluation/{ev.pk}/").status_code == 404
    mine = html(expert.get("/evaluation/"))
    assert "填写回避声明" in mine and "评审开始后进入" in mine
    sup = html(client(r.supervisor).get(f"/evaluation/{ev.pk}/committee/"))
    assert r.experts[1].get_full_name() not in sup and "评审专家 2" in sup
    committee = html(agency.get(f"/evaluation/{ev.pk}/committee/"))
    assert "推选评审组长" in committee and "0/5" in committee
    # declaration: the pledge is required, input kept
    resp = expert.post(f"/evaluation/{ev.pk}/declare/", {"conflict": "0", "note": "已阅"})
    assert resp.status_code == 400 and "请阅读并勾选承诺书" in html(resp) and "已阅" in html(resp)
    resp = expert.post(f"/evaluation/{ev.pk}/declare/", {"conflict": "1", "pledge": "on"})
    assert resp.status_code == 400 and "申报利害关系时请说明具体情形" in html(resp)
    assert ev.members.get(user=r.experts[0]).declared_at is None
    for m in ev.members.all():
        resp = client(m.user).post(
            f"/evaluation/{ev.pk}/declare/", {"conflict": "0", "pledge": "on"}
        )
        assert resp.status_code == 302
    assert "已声明无利害关系" in html(expert.get(f"/evaluation/{ev.pk}/declare/"))
    # too early: the draw's evaluation time is tomorrow — the message on the committee page
    resp = agency.post(f"/evaluation/{ev.pk}/act/", {"op": "start"}, follow=True)
    assert "未到评审开始时间" in html(resp) and "推选评审组长" in html(resp)
    clock.freeze(r.evaluation_at)
    resp = agency.post(f"/evaluation/{ev.pk}/act/", {"op": "start"}, follow=True)
    assert "尚未推选评审委员会组长" in html(resp)
    first = ev.members.get(position=1)
    assert agency.post(f"/evaluation/{ev.pk}/committee/", {"member": first.pk}).status_code == 302
    assert agency.post(f"/evaluation/{ev.pk}/committee/", {"member": 0}).status_code == 400
    assert (
        client(r.experts[0])
        .post(f"/evaluation/{ev.pk}/committee/", {"member": first.pk})
        .status_code
        == 404
    )
    agency.post(f"/evaluation/{ev.pk}/act/", {"op": "start"})
    ev.refresh_from_db()
    assert ev.status == S.REVIEWING
    page = html(expert.get(f"/evaluation/{ev.pk}/"))
    assert r.experts[1].get_full_name() in page and "符合性审查" in page
    assert agency.post(f"/evaluation/{ev.pk}/act/", {"op": "nope"}).status_code == 302


@pytest.mark.django_db
def test_review_scoring_flags_abnormal_report_award() -> None:
    r = evaluation_ready(bidders=4, prices=LOW, sizes=["small", "", "", "micro"])
    ev = open_page(r)
    start_page(r, ev)
    bids = list(ev.bids.order_by("pk"))
    m1 = ev.members.get(position=2)
    cl = client(m1.user)
    page = html(cl.get(f"/evaluation/{ev.pk}/review/compliance/"))
    assert "符合性审查" in page and bids[0].supplier.name in page
    # error path: 不通过 without a reason → error on the row, the verdicts kept, nothing saved
    data = {f"v_{rb.pk}": "passed" for rb in bids}
    data[f"v_{bids[1].pk}"] = "failed"
    resp = cl.post(f"/evaluation/{ev.pk}/review/compliance/", data)
    assert resp.status_code == 400 and "不通过的须写明理由" in html(resp)
    kept = rf'name="v_{bids[1].pk}" value="failed"[^>]*checked'
    assert re.search(kept, html(resp)), "the 不通过 verdict is kept"
    assert not Check.objects.filter(by=m1.user).exists()
    # the agency may not do the members' compliance review; members may not do 招标 qualification
    resp = client(r.agency).post(f"/evaluation/{ev.pk}/review/compliance/", data)
    assert resp.status_code == 400
    resp = cl.post(
        f"/evaluation/{ev.pk}/review/qualification/", {f"v_{rb.pk}": "passed" for rb in bids}
    )
    assert resp.status_code == 403 and "87号令 44" in html(resp)
    assert client(r.agency).get(f"/evaluation/{ev.pk}/review/other/").status_code == 404
    # close refused while checks are missing
    chair = ev.members.get(is_chair=True).user
    resp = client(chair).post(f"/evaluation/{ev.pk}/act/", {"op": "review_close"}, follow=True)
    assert "尚有审查意见未提交" in html(resp)
    review_page(r, ev)
    assert ev.status == S.SCORING
    # live fragment shows counts per member
    live = html(client(r.agency).get(f"/evaluation/{ev.pk}/live/"))
    assert "4/4" in live
    # scoring sheet: the price factor is shown as computed, not an input
    sheet = html(cl.get(f"/evaluation/{ev.pk}/scores/{bids[0].pk}/"))
    assert "系统计算" in sheet and 'name="s_2"' not in sheet and "技术方案" in sheet
    assert "0 – 45" in sheet
    resp = cl.post(
        f"/evaluation/{ev.pk}/scores/{bids[0].pk}/", {"s_0": "46", "n_0": "很好", "s_1": "3"}
    )
    assert resp.status_code == 400 and "得分不能超过 45 分" in html(resp) and "很好" in html(resp)
    assert not Score.objects.filter(member=m1).exists()
    assert "待评分" in html(cl.get(f"/evaluation/{ev.pk}/scores/"))
    # member 1 (the chair) scores bid 0 far apart → a deviation flag
    score_page(ev, outlier=True)
    assert "已提交" in html(cl.get(f"/evaluation/{ev.pk}/scores/"))
    client(chair).post(f"/evaluation/{ev.pk}/act/", {"op": "scoring_close"})
    ev.refresh_from_db()
    assert ev.status == S.CONCLUDING
    flag = Flag.objects.get(evaluation=ev)
    low = ReviewedBid.objects.get(evaluation=ev, opening_price=Decimal(min(LOW, key=Decimal)))
    assert low.abnormal_state == c.AbnormalDecision.PENDING
    summary = client(chair)
    page = html(summary.get(f"/evaluation/{ev.pk}/conclude/"))
    assert "评分差异过大" in page and "等待供应商提交" in page
    # conclude refused while items are open
    resp = summary.post(f"/evaluation/{ev.pk}/conclude/", {"op": "conclude"})
    assert resp.status_code == 409 and "尚有未处理的评分异常或异常低价" in html(resp)
    # corrected before a re-submission → refused, the note kept
    resp = summary.post(
        f"/evaluation/{ev.pk}/conclude/",
        {"op": "flag", "flag": flag.pk, "action": "corrected", "note": "复核后纠正"},
    )
    assert resp.status_code == 409 and "尚无成员重新提交该项评分" in html(resp)
    assert "复核后纠正" in html(resp)
    # the chair re-scores only the flagged factor
    rescore = html(summary.get(f"/evaluation/{ev.pk}/scores/{bids[0].pk}/"))
    assert 'name="s_0"' in rescore and 'name="s_1"' not in rescore
    assert (
        summary.post(f"/evaluation/{ev.pk}/scores/{bids[0].pk}/", {"s_0": "31"}).status_code == 302
    )
    resp = summary.post(
        f"/evaluation/{ev.pk}/conclude/",
        {"op": "flag", "flag": flag.pk, "action": "corrected", "note": "组长复核后纠正"},
    )
    assert resp.status_code == 302
    # the supplier explains (87号令 60), first with an empty text
    sup = client(r.suppliers[2])
    assert "报价说明要求" in html(sup.get("/evaluation/"))
    resp = sup.post(f"/evaluation/explanations/{low.pk}/", {"text": " "})
    assert resp.status_code == 400 and "请填写书面说明" in html(resp)
    assert client(r.suppliers[0]).get(f"/evaluation/explanations/{low.pk}/").status_code == 404
    assert (
        sup.post(
            f"/evaluation/explanations/{low.pk}/", {"text": "库存清仓，成本证明见附件"}
        ).status_code
        == 302
    )
    resp = summary.post(
        f"/evaluation/{ev.pk}/conclude/", {"op": "abnormal", "bid": low.pk, "accepted": "0"}
    )
    assert resp.status_code == 400 and "请填写认定理由" in html(resp)
    resp = summary.post(
        f"/evaluation/{ev.pk}/conclude/",
        {"op": "abnormal", "bid": low.pk, "accepted": "0", "reason": "成本证明不足"},
    )
    assert resp.status_code == 302
    # a member who is not the chair cannot conclude
    resp = cl.post(f"/evaluation/{ev.pk}/conclude/", {"op": "conclude"})
    assert resp.status_code == 403
    resp = summary.post(f"/evaluation/{ev.pk}/conclude/", {"op": "conclude"})
    assert resp.status_code == 302 and resp["Location"].endswith("/report/")
    ev.refresh_from_db()
    assert ev.status == S.SIGNING
    # overview: ranking and the chart data
    over = html(client(r.agency).get(f"/evaluation/{ev.pk}/"))
    assert 'data-chart="stacked-bar"' in over and "综合得分" in over
    # the report page and its PDF
    page = html(cl.get(f"/evaluation/{ev.pk}/report/"))
    assert "签署评审报告" in page and ev.reports.get().sha256 in page
    pdf = cl.get(f"/evaluation/{ev.pk}/report.pdf")
    body = b"".join(pdf.streaming_content)  # type: ignore[attr-defined]
    assert pdf.status_code == 200 and body.startswith(b"%PDF")
    # signing: a dissent without reasons, then a wrong password — input kept
    resp = cl.post(f"/evaluation/{ev.pk}/report/", {"agrees": "0", "password": PASSWORD})
    assert resp.status_code == 400 and "持不同意见的须写明理由" in html(resp)
    resp = cl.post(
        f"/evaluation/{ev.pk}/report/",
        {"agrees": "0", "dissent": "技术方案评分偏低", "password": "wrong"},
    )
    assert (
        resp.status_code == 403
        and "密码验证失败" in html(resp)
        and "技术方案评分偏低" in html(resp)
    )
    assert not Signature.objects.exists()
    for i, m in enumerate(ev.members.order_by("position")):
        data = {"agrees": "1", "password": PASSWORD}
        if m.pk == m1.pk:
            data = {"agrees": "0", "dissent": "技术方案评分偏低", "password": PASSWORD}
        assert client(m.user).post(f"/evaluation/{ev.pk}/report/", data).status_code == 302, i
    ev.refresh_from_db()
    assert ev.status == S.SIGNED
    assert Signature.objects.filter(agrees=False, dissent="技术方案评分偏低").count() == 1
    # the purchaser confirms: a non-first candidate needs a reason
    buyer = client(r.purchaser)
    page = html(buyer.get(f"/evaluation/{ev.pk}/award/"))
    assert "确定中标（成交）供应商" in page
    cands = list(ev.bids.filter(valid=True, order__isnull=False).order_by("order"))
    resp = buyer.post(f"/evaluation/{ev.pk}/award/", {"candidate": cands[1].pk, "reason": ""})
    assert resp.status_code == 400 and "确定非排名第一的供应商须说明理由" in html(resp)
    assert (
        client(r.agency).post(f"/evaluation/{ev.pk}/award/", {"candidate": cands[0].pk}).status_code
        == 403
    )
    resp = buyer.post(f"/evaluation/{ev.pk}/award/", {"candidate": cands[0].pk})
    assert resp.status_code == 302
    ev.refresh_from_db()
    assert ev.status == S.AWARDED and ev.awarded_supplier_id == cands[0].supplier_id
    over = html(buyer.get(f"/evaluation/{ev.pk}/"))
    assert "中标（成交）供应商" in over and cands[0].supplier.name in over
    assert "hx-get" not in over  # no polling once decided
    assert client(r.supervisor).get(f"/evaluation/{ev.pk}/report/").status_code == 200


@pytest.mark.django_db
def test_review_failure_and_pages_for_each_role() -> None:
    r = evaluation_ready()
    ev = open_page(r)
    start_page(r, ev)
    bids = list(ev.bids.order_by("pk"))
    # every member fails one bid with a reason → fewer than 3 valid → FAILED
    data = {f"v_{rb.pk}": "passed" for rb in bids}
    data[f"v_{bids[0].pk}"] = "failed"
    data[f"r_{bids[0].pk}"] = "未响应三年原厂保修"
    client(r.agency).post(
        f"/evaluation/{ev.pk}/review/qualification/", {f"v_{rb.pk}": "passed" for rb in bids}
    )
    for m in ev.members.all():
        assert (
            client(m.user).post(f"/evaluation/{ev.pk}/review/compliance/", data).status_code == 302
        )
    again = html(
        client(ev.members.order_by("position")[0].user).get(
            f"/evaluation/{ev.pk}/review/compliance/"
        )
    )
    assert "未响应三年原厂保修" in again and "已提交" in again
    chair = ev.members.get(is_chair=True).user
    resp = client(chair).post(f"/evaluation/{ev.pk}/act/", {"op": "review_close"}, follow=True)
    assert "有效供应商不足" in html(resp)
    ev.refresh_from_db()
    assert ev.status == S.FAILED
    page = html(client(r.agency).get(f"/evaluation/{ev.pk}/"))
    assert 'class="failed"' in page and "未响应三年原厂保修" in page
    for u in (r.agency, r.purchaser, r.supervisor, r.experts[0]):
        assert client(u).get("/evaluation/").status_code == 200
    assert client(r.suppliers[0]).get("/evaluation/").status_code == 200
    assert client(r.suppliers[0]).get(f"/evaluation/{ev.pk}/").status_code == 404
    assert client(r.world.users["agc_social"]).get(f"/evaluation/{ev.pk}/").status_code == 404
    assert client(r.agency).get(f"/evaluation/{ev.pk}/report/").status_code == 404
    assert client(r.agency).get(f"/evaluation/{ev.pk}/report.pdf").status_code == 404
    # the lot can be evaluated again after a failure? The page lists it only if still active.
    assert Client().get(f"/evaluation/{ev.pk}/").status_code == 302  # login required
