"""邀请招标 is a real invitation (issue 10 item 10; 法 34–35; 87号令 14, 16; 条例 21): the
资格预审公告 with applications due ≥5 working days after it, the review, at least 3 qualified,
the witnessed and reproducible random draw, the 20 days from the invitation, and only the
invited may register. Every step goes through the services users reach."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengcai.accounts.constants import OrgKind
from zhengcai.accounts.models import User
from zhengcai.accounts.tests.factories import organization, user
from zhengcai.bidding import constants as bc
from zhengcai.bidding import invitation_rules
from zhengcai.bidding import services as bidding
from zhengcai.bidding.models import PrequalApplication, SupplierDraw
from zhengcai.core import clock
from zhengcai.core.errors import DomainError
from zhengcai.core.models import Message
from zhengcai.plans.tests.factories import PlansWorld
from zhengcai.tenders import constants as c
from zhengcai.tenders import methods, prequal_services
from zhengcai.tenders import services as tenders
from zhengcai.tenders.models import Notice, Prequalification, Project
from zhengcai.tenders.tests.factories import ready_project

SH = clock.SHANGHAI
AGENCY = "agc_hz"


def at(y: int, m: int, d: int, h: int = 9, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=SH)


def code(exc: pytest.ExceptionInfo[DomainError]) -> str:
    return str(exc.value.code)


def suppliers(w: PlansWorld, n: int, tag: str) -> list[User]:
    out = []
    for i in range(n):
        org = organization(OrgKind.SUPPLIER, w.regions["hz"], f"{tag}预审供应商{i + 1}有限公司")
        out.append(user(org, username=f"pq_{tag}_{i + 1}"))
    return out


def invited_project(w: PlansWorld) -> Project:
    p = ready_project(w, method="invited_tender")
    assert p.method_config.prequalification is not None
    return p


def publish_call(w: PlansWorld, p: Project, due: dt.datetime, **kw: object) -> Prequalification:
    return prequal_services.prequal_publish(
        actor=w.users[AGENCY],
        project=p,
        applications_until=due,
        requirements="具有ISO9001质量管理体系认证证书；近三年无重大违法记录",
        review_method="合格制：逐项审查，全部满足为合格",
        **kw,  # type: ignore[arg-type]
    )


def reviewed_call(
    w: PlansWorld, n_qualified: int, n_failed: int = 0, tag: str = "a"
) -> tuple[Project, Prequalification, list[User]]:
    """An invited tender whose call closed with `n_qualified` qualified applicants."""
    p = invited_project(w)
    pq = publish_call(w, p, at(2026, 11, 30, 17))
    people = suppliers(w, n_qualified + n_failed, tag)
    for u in people:
        bidding.application_submit(actor=u, prequal=pq, materials="营业执照；ISO9001证书")
    clock.freeze(at(2026, 11, 30, 17, 1))
    for i, app in enumerate(PrequalApplication.objects.filter(prequal=pq).order_by("id")):
        ok = i < n_qualified
        bidding.application_review(
            actor=w.users[AGENCY], application=app, qualified=ok, reason="" if ok else "无ISO证书"
        )
    pq = bidding.prequal_review_close(actor=w.users[AGENCY], prequal=pq)
    return p, pq, people


def witnesses() -> list[str]:
    return ["采购人监督员甲", "采购人监督员乙"]


# --- the method's facts are configuration -------------------------------------------------------


def test_invited_tender_config_carries_the_prequalification_facts() -> None:
    rule = methods.INVITED_TENDER.prequalification
    assert rule is not None
    assert (rule.min_invited, rule.pool_factor, rule.witnesses) == (3, 2, 2)
    assert (rule.applications.days, rule.applications.unit) == (5, "WD")
    assert methods.INVITED_TENDER.notice_kind is None  # no public 招标公告: invitations
    assert methods.OPEN_TENDER.prequalification is None


# --- the 资格预审公告: applications ≥5 working days after it (条例 21) ---------------------------


def test_applications_window_counts_working_days_across_national_day(w: PlansWorld) -> None:
    p = invited_project(w)
    clock.freeze(at(2026, 9, 29))  # Tuesday before 国庆: 10-01..07 off, Saturday 10-10 worked
    # 5 WD: 09-30, 10-08, 10-09, 10-10, 10-12 → the earliest deadline is 10-12.
    with pytest.raises(DomainError) as exc:
        publish_call(w, p, at(2026, 10, 10, 17))
    assert code(exc) == c.ERR_PREQUAL_WINDOW
    assert exc.value.detail["earliest"] == "2026-10-12"
    pq = publish_call(w, p, at(2026, 10, 12, 9))
    assert pq.status == c.PrequalStatus.OPEN
    assert pq.display_until == dt.date(2026, 10, 12)  # on display 5 WD (87号令 16)
    notice = Notice.objects.get(project=p)
    assert notice.kind == c.NoticeKind.PREQUALIFICATION
    assert notice.fields["applications_until"] == at(2026, 10, 12, 9).isoformat()
    assert notice.fields["qualifications"].startswith("具有ISO9001")


def test_only_a_method_that_invites_has_a_call(w: PlansWorld) -> None:
    p = ready_project(w, method="open_tender")
    with pytest.raises(DomainError) as exc:
        publish_call(w, p, at(2026, 12, 10))
    assert code(exc) == c.ERR_PREQUAL_NOT_APPLICABLE


def test_fewer_than_three_to_invite_is_refused(w: PlansWorld) -> None:
    with pytest.raises(DomainError) as exc:
        publish_call(w, invited_project(w), at(2026, 12, 10), invite_count=2)
    assert code(exc) == c.ERR_PREQUAL_NOT_APPLICABLE


# --- applications and the review --------------------------------------------------------------


def test_applications_close_at_the_deadline_and_review_starts_after(w: PlansWorld) -> None:
    p = invited_project(w)
    pq = publish_call(w, p, at(2026, 11, 30, 17))
    a, b = suppliers(w, 2, "rv")
    app = bidding.application_submit(actor=a, prequal=pq, materials="营业执照")
    with pytest.raises(DomainError) as exc:
        bidding.application_submit(actor=a, prequal=pq, materials="again")
    assert code(exc) == bc.ERR_APPLICATION_EXISTS
    with pytest.raises(DomainError) as exc:
        bidding.application_review(actor=w.users[AGENCY], application=app, qualified=True)
    assert code(exc) == bc.ERR_APPLICATIONS_OPEN
    clock.freeze(at(2026, 11, 30, 17))
    with pytest.raises(DomainError) as exc:
        bidding.application_submit(actor=b, prequal=pq, materials="营业执照")
    assert code(exc) == bc.ERR_APPLICATIONS_CLOSED
    with pytest.raises(DomainError) as exc:  # 不合格 needs its reason
        bidding.application_review(actor=w.users[AGENCY], application=app, qualified=False)
    assert code(exc) == bc.ERR_REASON_REQUIRED
    done = bidding.application_review(
        actor=w.users[AGENCY], application=app, qualified=False, reason="未提供ISO9001证书"
    )
    assert done.status == bc.ApplicationStatus.NOT_QUALIFIED
    assert done.reason == "未提供ISO9001证书"
    with pytest.raises(DomainError):  # decided once
        bidding.application_review(actor=w.users[AGENCY], application=done, qualified=True)


def test_closing_with_unreviewed_applications_is_refused(w: PlansWorld) -> None:
    p = invited_project(w)
    pq = publish_call(w, p, at(2026, 11, 30, 17))
    (a,) = suppliers(w, 1, "un")
    bidding.application_submit(actor=a, prequal=pq, materials="营业执照")
    clock.freeze(at(2026, 12, 1))
    with pytest.raises(DomainError) as exc:
        bidding.prequal_review_close(actor=w.users[AGENCY], prequal=pq)
    assert code(exc) == bc.ERR_UNREVIEWED


def test_fewer_than_three_qualified_ends_the_invited_tender(w: PlansWorld) -> None:
    p, pq, _ = reviewed_call(w, n_qualified=2, n_failed=2, tag="few")
    assert pq.status == c.PrequalStatus.FAILED
    assert "不足3家" in pq.failed_reason
    p.refresh_from_db()
    assert p.status == c.ProjectStatus.TERMINATED  # 法 36–37; 87号令 29
    assert Notice.objects.filter(project=p, kind=c.NoticeKind.TERMINATION).exists()
    with pytest.raises(DomainError):
        bidding.supplier_draw(actor=w.users[AGENCY], prequal=pq, witnesses=witnesses())


# --- the draw ---------------------------------------------------------------------------------


def test_the_draw_is_witnessed_recorded_and_reproducible(w: PlansWorld) -> None:
    _p, pq, people = reviewed_call(w, n_qualified=5, n_failed=1, tag="dr")
    assert pq.status == c.PrequalStatus.REVIEWED
    with pytest.raises(DomainError) as exc:  # 87号令 14: two purchaser staff watch
        bidding.supplier_draw(actor=w.users[AGENCY], prequal=pq, witnesses=["甲", " 甲 "])
    assert code(exc) == bc.ERR_WITNESSES
    draw = bidding.supplier_draw(actor=w.users[AGENCY], prequal=pq, witnesses=witnesses())
    qualified = sorted(u.organization_id for u in people[:5])
    assert draw.pool_ids == qualified and draw.wanted == 3 and len(draw.picked_ids) == 3
    assert set(draw.picked_ids) <= set(qualified)
    # anyone with the record re-runs it, in any order of the pool
    assert invitation_rules.draw(draw.seed, list(reversed(draw.pool_ids)), 3) == draw.picked_ids
    check = bidding.draw_verify(draw)
    assert check.ok, check
    # a tampered record does not verify
    forged = SupplierDraw.objects.get(pk=draw.pk)
    forged.picked_ids = [i for i in qualified if i not in draw.picked_ids][:1] + draw.picked_ids[1:]
    assert not bidding.draw_verify(forged).picks_ok
    assert not bidding.draw_verify(draw, seed="0" * 64).hash_ok
    pq.refresh_from_db()
    assert pq.status == c.PrequalStatus.DRAWN


def test_pool_rules_of_87_14() -> None:
    # prequalified list: 3 qualified are enough to draw 3
    assert (
        invitation_rules.pool_problem(
            source="prequalification", pool_size=3, wanted=3, minimum=3, factor=2
        )
        is None
    )
    # 供应商库 / recommendations: at least twice the number drawn
    assert invitation_rules.pool_problem(
        source="database", pool_size=5, wanted=3, minimum=3, factor=2
    )
    assert (
        invitation_rules.pool_problem(source="database", pool_size=6, wanted=3, minimum=3, factor=2)
        is None
    )
    assert invitation_rules.pool_problem(
        source="prequalification", pool_size=2, wanted=3, minimum=3, factor=2
    )
    assert invitation_rules.draw_size(pool_size=8, wanted=2, minimum=3) == 3
    assert invitation_rules.draw_size(pool_size=4, wanted=5, minimum=3) == 4


# --- the invitation starts the 20 days; only the invited take part ---------------------------


def test_twenty_days_run_from_the_invitation(w: PlansWorld) -> None:
    p, pq, _ = reviewed_call(w, n_qualified=3, tag="tw")
    with pytest.raises(DomainError) as exc:  # no bidding period before the invitations
        tenders.project_publish(
            actor=w.users[AGENCY], project=p, bid_deadline=at(2027, 1, 20), opening_place="开标室"
        )
    assert code(exc) == c.ERR_INVITATION_REQUIRED
    bidding.supplier_draw(actor=w.users[AGENCY], prequal=pq, witnesses=witnesses())
    clock.freeze(at(2026, 12, 2, 10))  # invitations sent on Wednesday 12-02
    with pytest.raises(DomainError) as exc:  # 12-02 + 20 d = 12-22: one day short
        bidding.invitations_send(
            actor=w.users[AGENCY], prequal=pq, bid_deadline=at(2026, 12, 21, 9, 30)
        )
    assert code(exc) == c.ERR_PERIOD_TOO_SHORT
    assert exc.value.detail["earliest"] == "2026-12-22"
    p = bidding.invitations_send(
        actor=w.users[AGENCY], prequal=pq, bid_deadline=at(2026, 12, 22, 9, 30)
    )
    assert p.status == c.ProjectStatus.PUBLISHED
    assert p.bid_deadline == at(2026, 12, 22, 9, 30)
    pq.refresh_from_db()
    assert pq.status == c.PrequalStatus.INVITED and pq.invited_at == at(2026, 12, 2, 10)
    # each invited supplier finds its 投标邀请书 in its inbox
    invited = Message.objects.filter(kind="tender_invitation", subject__contains=p.name)
    assert invited.count() == 3
    # no public 招标公告: only the 资格预审公告 is on the portal
    assert list(Notice.objects.filter(project=p).values_list("kind", flat=True)) == [
        c.NoticeKind.PREQUALIFICATION
    ]


def test_only_invited_suppliers_can_register_and_obtain_the_documents(w: PlansWorld) -> None:
    p, pq, people = reviewed_call(w, n_qualified=5, tag="reg")
    draw = bidding.supplier_draw(actor=w.users[AGENCY], prequal=pq, witnesses=witnesses())
    p = bidding.invitations_send(
        actor=w.users[AGENCY], prequal=pq, bid_deadline=at(2026, 12, 22, 9, 30)
    )
    lot = p.lots.get(number=1)
    by_org = {u.organization_id: u for u in people}
    invited = [by_org[i] for i in draw.picked_ids]
    not_drawn = [u for u in people if u.organization_id not in draw.picked_ids]
    (outsider,) = suppliers(w, 1, "out")
    for u in invited:
        part = bidding.participation_register(actor=u, lot=lot)
        assert part.supplier_id == u.organization_id
    for u in [*not_drawn, outsider]:
        with pytest.raises(DomainError) as exc:
            bidding.participation_register(actor=u, lot=lot)
        assert code(exc) == bc.ERR_NOT_INVITED_TO_TENDER
        assert exc.value.status == 403
        with pytest.raises(DomainError) as exc:  # nor obtain the documents
            tenders.document_download(actor=u, project=p)
        assert code(exc) == bc.ERR_NOT_INVITED_TO_TENDER
    assert tenders.document_download(actor=invited[0], project=p).supplier_id == (
        invited[0].organization_id
    )


# --- lists from the 供应商库 / written recommendations (87号令 14 ②③) ------------------------


def test_a_list_from_the_supplier_database_needs_twice_the_number_drawn(w: PlansWorld) -> None:
    p = invited_project(w)
    pq = prequal_services.prequal_from_list(
        actor=w.users[AGENCY],
        project=p,
        source=c.PrequalSource.DATABASE,
        requirements="库内ISO9001认证供应商",
    )
    assert pq.status == c.PrequalStatus.REVIEWED and pq.notice_id is None
    people = suppliers(w, 6, "db")
    ids = [u.organization_id for u in people]
    with pytest.raises(DomainError) as exc:  # 5 < 2 × 3
        bidding.supplier_draw(
            actor=w.users[AGENCY], prequal=pq, witnesses=witnesses(), pool_ids=ids[:5]
        )
    assert code(exc) == bc.ERR_POOL_TOO_SMALL
    with pytest.raises(DomainError):  # only suppliers in the pool
        bidding.supplier_draw(
            actor=w.users[AGENCY],
            prequal=pq,
            witnesses=witnesses(),
            pool_ids=[*ids, w.orgs[AGENCY].pk],
        )
    draw = bidding.supplier_draw(
        actor=w.users[AGENCY], prequal=pq, witnesses=witnesses(), pool_ids=ids
    )
    assert draw.source == c.PrequalSource.DATABASE and len(draw.picked_ids) == 3
    assert bidding.draw_verify(draw).ok


def test_written_recommendations_cap_the_purchasers_share(w: PlansWorld) -> None:
    p = invited_project(w)
    pq = prequal_services.prequal_from_list(
        actor=w.users[AGENCY],
        project=p,
        source=c.PrequalSource.RECOMMENDATION,
        requirements="书面推荐",
    )
    ids = [u.organization_id for u in suppliers(w, 6, "rec")]
    with pytest.raises(DomainError) as exc:  # 4 of 6 named by the purchaser > 50 %
        bidding.supplier_draw(
            actor=w.users[AGENCY],
            prequal=pq,
            witnesses=witnesses(),
            pool_ids=ids,
            recommended_by_purchaser=ids[:4],
        )
    assert "50%" in exc.value.message
    draw = bidding.supplier_draw(
        actor=w.users[AGENCY],
        prequal=pq,
        witnesses=witnesses(),
        pool_ids=ids,
        recommended_by_purchaser=ids[:3],
    )
    assert len(draw.picked_ids) == 3
