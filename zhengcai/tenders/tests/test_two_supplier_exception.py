"""The lawful two-supplier exception of 竞争性磋商: 市场竞争不充分的科研项目 / 需要扶持的科技成果
转化项目 (214号 3（四）, 21 ¶3, 34（三）) and 政府购买服务项目 (财库〔2015〕124号). The pure
minimums, the agency's setting before publication (refusals leave data unchanged), the notice
fields and the project page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from zhengcai.core import clock
from zhengcai.core.errors import DomainError
from zhengcai.core.models import AuditEntry
from zhengcai.plans.tests.factories import PlansWorld
from zhengcai.tenders import constants as c
from zhengcai.tenders import methods, rules, services
from zhengcai.tenders.models import Project
from zhengcai.tenders.tests.factories import project, ready_project

pytestmark = pytest.mark.django_db
DEADLINE = dt.datetime(2026, 12, 14, 9, 30, tzinfo=clock.SHANGHAI)
SERVICES_ITEM = "C21040000"
WHY = "本项目为市场竞争不充分的科研项目，具备相应能力的单位有限"


def _audits(p: Project) -> int:
    return AuditEntry.objects.filter(
        action="project.two_supplier_basis", object_id=str(p.pk)
    ).count()


def _set(w: PlansWorld, p: Project, basis: str, why: str = WHY, who: str = "agc_hz") -> Project:
    return services.project_two_supplier_set(
        actor=w.users[who], project=p, basis=basis, justification=why
    )


# --- pure rules ------------------------------------------------------------------------------


@pytest.mark.parametrize("cfg", methods.ALL, ids=lambda m: m.key)
@pytest.mark.parametrize("basis", c.TwoSupplierBasis.values)
def test_minimums_are_lowered_only_for_consultation_on_a_basis(
    cfg: methods.MethodConfig, basis: str
) -> None:
    to_open = rules.min_suppliers_to_open(cfg, basis)
    to_continue = rules.min_suppliers_to_continue(cfg, basis)
    if cfg.code == "consultation" and basis != c.TwoSupplierBasis.NONE:
        assert (to_open, to_continue) == (2, 2)
        assert rules.two_supplier_allowed(cfg, basis)
    else:
        assert (to_open, to_continue) == (cfg.min_suppliers_to_open, cfg.min_suppliers_to_continue)
        assert not rules.two_supplier_allowed(cfg, basis)
    assert rules.min_suppliers_to_open(cfg) == cfg.min_suppliers_to_open


def test_consultation_without_basis_needs_three_and_each_basis_cites_its_article() -> None:
    cfg = methods.get("consultation")
    assert rules.min_suppliers_to_continue(cfg, c.TwoSupplierBasis.NONE) == 3
    assert rules.min_suppliers_to_open(cfg, "unknown") == 3
    assert "214号" in rules.two_supplier_article(c.TwoSupplierBasis.RESEARCH)
    assert "21" in rules.two_supplier_article(c.TwoSupplierBasis.TECH_TRANSFER)
    assert "124号" in rules.two_supplier_article(c.TwoSupplierBasis.PUBLIC_SERVICE)
    assert rules.two_supplier_article(c.TwoSupplierBasis.NONE) == ""


# --- the service -----------------------------------------------------------------------------


def test_agency_sets_basis_before_publication_audited_and_documents_rechecked(
    w: PlansWorld,
) -> None:
    p = ready_project(w, method="consultation", item_code=SERVICES_ITEM)
    assert p.status == c.ProjectStatus.DOCUMENTS_READY
    version = p.version
    p = _set(
        w, p, c.TwoSupplierBasis.PUBLIC_SERVICE, "  政府购买的物业管理服务，属于政府购买服务项目  "
    )
    p.refresh_from_db()
    assert p.two_supplier_basis == c.TwoSupplierBasis.PUBLIC_SERVICE
    assert p.two_supplier_justification == "政府购买的物业管理服务，属于政府购买服务项目"
    assert p.version > version
    # the minimum is a term of the procedure: the documents go back through the check
    assert p.status == c.ProjectStatus.DRAFT and p.document.status == c.DocumentStatus.DRAFT
    entry = AuditEntry.objects.get(action="project.two_supplier_basis", object_id=str(p.pk))
    assert entry.before["two_supplier_basis"] == "none"
    assert entry.after["two_supplier_basis"] == "public_service"
    assert "124号" in entry.after["article"] and entry.after["min_to_continue"] == 2
    # saving the same again writes nothing
    _set(w, p, c.TwoSupplierBasis.PUBLIC_SERVICE, "政府购买的物业管理服务，属于政府购买服务项目")
    assert _audits(p) == 1
    # published with the basis: the notice states the minimum and its ground
    agency = w.users["agc_hz"]
    services.compliance_check(actor=agency, project=p)
    services.document_finalize(actor=agency, project=p)
    p.refresh_from_db()
    p = services.project_publish(actor=agency, project=p, bid_deadline=DEADLINE)
    notice = p.notices.get(kind=c.NoticeKind.CONSULTATION)
    mins = notice.fields["min_suppliers"]
    assert (mins["to_open"], mins["to_continue"]) == (2, 2)
    assert mins["two_supplier_basis"] == "政府购买服务项目（含政府和社会资本合作项目）"
    assert "124号" in mins["article"]
    # after publication it can no longer be changed
    with pytest.raises(DomainError) as exc:
        _set(w, p, c.TwoSupplierBasis.NONE)
    assert exc.value.code == c.ERR_NOT_EDITABLE and exc.value.status == 409
    p.refresh_from_db()
    assert p.two_supplier_basis == c.TwoSupplierBasis.PUBLIC_SERVICE and _audits(p) == 1


def test_without_basis_the_notice_states_three(w: PlansWorld) -> None:
    p = ready_project(w, method="consultation", item_code=SERVICES_ITEM)
    p = services.project_publish(actor=w.users["agc_hz"], project=p, bid_deadline=DEADLINE)
    mins = p.notices.get().fields["min_suppliers"]
    assert (mins["to_open"], mins["to_continue"], mins["two_supplier_basis"]) == (3, 3, "")


@pytest.mark.parametrize(
    ("method", "variant", "item"),
    [
        ("open_tender", "", "A02010105"),
        ("invited_tender", "", "A02010105"),
        ("negotiation", "", SERVICES_ITEM),
        ("rfq", "", "A02010105"),
        ("rfq", "timed_onsite", "A02010105"),
        ("single_source", "", "A02010105"),
    ],
)
@pytest.mark.parametrize("basis", [c.TwoSupplierBasis.RESEARCH, c.TwoSupplierBasis.NONE])
def test_other_methods_refuse_the_setting(
    w: PlansWorld, method: str, variant: str, item: str, basis: str
) -> None:
    p = project(w, method=method, variant=variant, item_code=item)
    version = p.version
    with pytest.raises(DomainError) as exc:
        _set(w, p, basis)
    assert exc.value.code == c.ERR_TWO_SUPPLIER_METHOD and exc.value.status == 422
    assert "竞争性磋商" in exc.value.message
    p.refresh_from_db()
    assert p.two_supplier_basis == c.TwoSupplierBasis.NONE and p.version == version
    assert _audits(p) == 0


def test_refusals_leave_the_project_unchanged(w: PlansWorld) -> None:
    p = project(w, method="consultation")  # goods
    version = p.version

    def refused(code: str, basis: str, why: str = WHY, who: str = "agc_hz") -> None:
        with pytest.raises(DomainError) as exc:
            _set(w, p, basis, why, who)
        assert exc.value.code == code
        p.refresh_from_db()
        assert p.two_supplier_basis == "none" and p.version == version and _audits(p) == 0

    refused(c.ERR_JUSTIFICATION_REQUIRED, c.TwoSupplierBasis.RESEARCH, "  科研项目  ")
    refused("choice_invalid", "two_is_enough")
    # goods are not 政府购买服务 (财库〔2015〕124号)
    refused(c.ERR_TWO_SUPPLIER_KIND, c.TwoSupplierBasis.PUBLIC_SERVICE)
    refused("permission_denied", c.TwoSupplierBasis.RESEARCH, who="pur_hz")
    refused("permission_denied", c.TwoSupplierBasis.RESEARCH, who="agc_social")
    # a research project may be goods; clearing it drops the justification
    p = _set(w, p, c.TwoSupplierBasis.TECH_TRANSFER)
    assert p.two_supplier_basis == "tech_transfer"
    p = _set(w, p, c.TwoSupplierBasis.NONE, "任意文字也不保存")
    p.refresh_from_db()
    assert p.two_supplier_basis == "none" and p.two_supplier_justification == ""
    assert _audits(p) == 2


def test_expected_version_guards_concurrent_edits(w: PlansWorld) -> None:
    p = project(w, method="consultation")
    with pytest.raises(DomainError) as exc:
        services.project_two_supplier_set(
            actor=w.users["agc_hz"],
            project=p,
            basis=c.TwoSupplierBasis.RESEARCH,
            justification=WHY,
            expected_version=p.version - 1,
        )
    assert exc.value.status == 412
    p.refresh_from_db()
    assert p.two_supplier_basis == "none"


# --- the project page ------------------------------------------------------------------------


def _page(w: PlansWorld, who: str) -> Client:
    cl = Client()
    cl.force_login(w.users[who])
    return cl


def test_project_page_form_sets_the_basis(w: PlansWorld) -> None:
    p = project(w, method="consultation", item_code=SERVICES_ITEM)
    url = f"/tenders/projects/{p.pk}/"
    agency = _page(w, "agc_hz")
    html = agency.get(url).content.decode()
    assert 'data-testid="two-supplier-form"' in html
    assert "响应不少于3家，符合要求（最后报价）不少于3家" in html
    # too short a justification: the message is shown and nothing changes
    r = agency.post(
        f"{url}act/",
        {
            "op": "two_supplier",
            "two_supplier_basis": "research",
            "two_supplier_justification": "短",
        },
        follow=True,
    )
    assert "不少于10个字" in r.content.decode()
    p.refresh_from_db()
    assert p.two_supplier_basis == "none"
    r = agency.post(
        f"{url}act/",
        {"op": "two_supplier", "two_supplier_basis": "research", "two_supplier_justification": WHY},
        follow=True,
    )
    html = r.content.decode()
    assert "已保存2家供应商例外情形" in html
    assert 'data-testid="two-supplier-basis"' in html and "市场竞争不充分的科研项目" in html
    assert "响应不少于2家，符合要求（最后报价）不少于2家" in html and WHY in html
    p.refresh_from_db()
    assert p.two_supplier_basis == "research" and p.two_supplier_justification == WHY
    # the purchaser sees the basis but has no form and cannot post
    purchaser = _page(w, "pur_hz")
    html = purchaser.get(url).content.decode()
    assert "市场竞争不充分的科研项目" in html and 'data-testid="two-supplier-form"' not in html
    r = purchaser.post(
        f"{url}act/", {"op": "two_supplier", "two_supplier_basis": "none"}, follow=True
    )
    assert r.status_code == 403
    p.refresh_from_db()
    assert p.two_supplier_basis == "research"


def test_project_page_other_methods_have_no_form_and_posts_are_refused(w: PlansWorld) -> None:
    p = project(w, method="open_tender")
    url = f"/tenders/projects/{p.pk}/"
    agency = _page(w, "agc_hz")
    html = agency.get(url).content.decode()
    assert (
        'data-testid="two-supplier-form"' not in html and 'data-testid="two-supplier"' not in html
    )
    r = agency.post(
        f"{url}act/",
        {"op": "two_supplier", "two_supplier_basis": "research", "two_supplier_justification": WHY},
        follow=True,
    )
    assert "不适用2家供应商的例外" in r.content.decode()
    p.refresh_from_db()
    assert p.two_supplier_basis == "none"
