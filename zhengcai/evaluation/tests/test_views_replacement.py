"""The committee page's replacement actions (87号令 49; 198号 17): 缺席 / 更换（补抽）/ 替补入席
/ 终止评审 with reasons, the replacement shown with whom it replaced, its declaration after
the start, and the STOPPED status on the progress bar and the overview."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages

from zhengcai.evaluation import constants as c
from zhengcai.evaluation.models import Evaluation, Member
from zhengcai.evaluation.tests.builders import evaluation_ready
from zhengcai.evaluation.tests.test_views import (
    audits,
    client,
    html,
    named,
    open_page,
    start_page,
)
from zhengcai.experts import services as experts
from zhengcai.experts.models import DrawInvitation

pytestmark = pytest.mark.django_db
S = c.EvaluationStatus


def act(user: Any, ev: Evaluation, follow: bool = True, **data: Any) -> Any:
    return client(user).post(f"/evaluation/{ev.pk}/act/", data, follow=follow)


def said(resp: Any) -> list[str]:
    return [str(m) for m in get_messages(resp.wsgi_request)]


def test_absent_replace_declare_and_stop_on_the_committee_page() -> None:
    r = named(evaluation_ready(project_method="consultation"))
    ev = open_page(r)
    start_page(r, ev)
    members = list(ev.members.order_by("position"))
    m = members[1]
    page = html(client(r.agency).get(f"/evaluation/{ev.pk}/committee/"))
    assert f'data-testid="absent-{m.pk}"' in page and 'data-testid="stop-form"' not in page
    # the purchaser and the members see no actions and cannot post them
    assert f'data-testid="absent-{m.pk}"' not in html(
        client(r.purchaser).get(f"/evaluation/{ev.pk}/committee/")
    )
    n = audits()
    resp = act(r.purchaser, ev, op="absent", member=m.pk, reason="x")
    assert "只有本项目的代理机构" in "".join(said(resp)) and audits() == n
    # a reason is required; the data stays unchanged
    resp = act(r.agency, ev, op="absent", member=m.pk, reason=" ")
    assert "请写明缺席情况" in "".join(said(resp)) and audits() == n
    resp = act(r.agency, ev, op="absent", member=999999, reason="x")
    assert "成员不存在" in "".join(said(resp)) and audits() == n
    resp = act(r.agency, ev, op="absent", member=m.pk, reason="午休后未返回")
    assert "已记录成员缺席" in "".join(said(resp))
    page = html(resp)
    assert "午休后未返回" in page and f'data-testid="replace-{m.pk}"' in page
    assert 'data-testid="stop-form"' in page
    # no spare: 更换 draws a replacement; the page shows it waiting for confirmation
    resp = act(r.agency, ev, op="replace", member=m.pk, reason="")
    assert "已发起补抽" in "".join(said(resp))
    assert 'data-testid="pending-replacement"' in html(resp)
    n = audits()
    resp = act(r.agency, ev, op="replace", member=m.pk, reason="")
    assert "尚未确认" in "".join(said(resp)) and audits() == n
    inv = DrawInvitation.objects.get(draw=r.draw, status="pending")
    experts.invitation_respond(actor=inv.expert.user, invitation=inv, accept=True)
    page = html(client(r.agency).get(f"/evaluation/{ev.pk}/committee/"))
    assert 'data-testid="spare-ready"' in page and "替补入席" in page
    resp = act(r.agency, ev, op="replace", member=m.pk, reason="")
    assert "替补专家已入席" in "".join(said(resp))
    new = Member.objects.get(replaces=m)
    page = html(resp)
    assert f'data-testid="replaces-{new.pk}"' in page
    assert f"接替 {m.user.get_full_name()}" in page
    # the newcomer declares after the start: worklist → declaration → the overview
    u = client(new.user)
    assert f"/evaluation/{ev.pk}/declare/" in html(u.get("/evaluation/"))
    assert 'data-testid="go-declare"' in html(u.get(f"/evaluation/{ev.pk}/"))
    resp = u.post(f"/evaluation/{ev.pk}/declare/", {"conflict": "0", "pledge": "on"})
    assert resp.status_code == 302 and resp.url == f"/evaluation/{ev.pk}/"
    new.refresh_from_db()
    assert new.declared_at is not None
    # stop: only with a vacant seat and a reason
    n = audits()
    resp = act(r.agency, ev, op="stop", reason="x")
    assert "成员完整" in "".join(said(resp)) and audits() == n
    act(r.agency, ev, op="absent", member=members[2].pk, reason="离场")
    n = audits()
    resp = act(r.agency, ev, op="stop", reason="")
    assert "请写明终止原因" in "".join(said(resp)) and audits() == n
    resp = act(r.agency, ev, op="stop", reason="无法及时补抽专家")
    assert "评审已终止" in "".join(said(resp))
    ev.refresh_from_db()
    assert ev.status == S.STOPPED
    overview = html(client(r.agency).get(f"/evaluation/{ev.pk}/"))
    assert 'data-testid="stopped"' in overview and "无法及时补抽专家" in overview
    assert 'class="failed"' in overview  # the stage reached is marked on the progress bar
    assert "评审终止" in overview
    page = html(client(r.agency).get(f"/evaluation/{ev.pk}/committee/"))
    assert 'data-testid="stop-form"' not in page and "absent-" not in page


def test_stopped_before_the_start_shows_on_the_progress_bar() -> None:
    r = evaluation_ready(project_method="consultation")
    ev = open_page(r)
    m = ev.members.order_by("position").first()
    assert m is not None
    body = {"conflict": "1", "note": "与供应商1存在劳动关系", "pledge": "on"}
    client(m.user).post(f"/evaluation/{ev.pk}/declare/", body)
    resp = act(r.agency, ev, op="stop", reason="回避后无法补足")
    assert "评审已终止" in "".join(said(resp))
    page = html(client(r.purchaser).get(f"/evaluation/{ev.pk}/"))
    assert 'data-testid="stopped"' in page
    first = page.split('data-testid="progress"')[1].split("</ol>")[0]
    assert first.count('class="failed"') == 1 and 'class="done"' not in first
