"""Prohibited clauses cannot be "justified" away (issue 10 item 9; 条例 20; 87号令 17; 46号 5):
one rule test per pattern with the close variant that must not fire, then the service and the
API refusing the justification and the publication."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from zhengcai.core import clock
from zhengcai.core.errors import RuleViolation
from zhengcai.core.models import AuditEntry
from zhengcai.plans.tests.factories import PlansWorld
from zhengcai.tenders import compliance, services
from zhengcai.tenders.models import ComplianceFinding
from zhengcai.tenders.tests.factories import project
from zhengcai.tenders.tests.test_compliance import facts, rules_of

PATTERNS = [
    # (rule, flagged, close variant not flagged)
    (
        "firm_size",
        {"requirements": "供应商注册资本不低于1000万元"},
        {"requirements": "供应商须提供营业执照副本（载明注册资本）"},
    ),
    (
        "firm_size",
        {"qualifications": "注册资本须达人民币壹仟万元"},
        {"qualifications": "注册资本不作为资格条件"},
    ),
    (
        "firm_size",
        {"qualifications": "资产总额达到伍仟万元以上"},
        {"qualifications": "不以资产总额、营业收入作为资格条件"},
    ),
    (
        "firm_size",
        {"requirements": "投标人营业收入不少于2亿元"},
        {"requirements": "报价包含利润、税金等全部费用，精确到0.01元"},
    ),
    (
        "brand",
        {"requirements": "处理器采用Intel酷睿i7"},
        {"requirements": "处理器采用Intel酷睿i7或相当于其性能的产品"},
    ),
    (
        "brand",
        {"requirements": "预装正版Windows 11专业版操作系统"},
        {"requirements": "兼容Windows、麒麟等操作系统"},
    ),
    (
        "brand",
        {"requirements": "网络摄像机须为海康威视产品"},
        {"requirements": "网络摄像机参考海康威视DS-2CD或同等及以上产品"},
    ),
    (
        "local_presence",
        {"qualifications": "须为杭州市注册企业"},
        {"qualifications": "须为在中华人民共和国境内注册的企业"},
    ),
    (
        "local_presence",
        {"qualifications": "须在杭州设有售后服务机构"},
        {"requirements": "中标后须在杭州设有售后服务机构，2小时内到场"},
    ),
]


@pytest.mark.parametrize(
    ("rule", "bad", "good"), PATTERNS, ids=[f"{p[0]}-{i}" for i, p in enumerate(PATTERNS)]
)
def test_pattern_fires_and_close_variant_does_not(
    rule: str, bad: dict[str, Any], good: dict[str, Any]
) -> None:
    assert rule in [r for r, _ in rules_of(facts(**bad))]
    assert [r for r, _ in rules_of(facts(**good)) if r == rule] == []


def test_brand_list_is_data_and_a_region_can_extend_it() -> None:
    assert {"Intel", "Windows", "海康威视"} <= set(compliance.BRANDS)
    assert compliance.check_brand("requirements", "须采用某某牌扫描仪") == []
    own = compliance.brand_pattern([*compliance.BRANDS, "某某牌"])
    [f] = compliance.check_brand("requirements", "须采用某某牌扫描仪", own)
    assert f.rule == "brand" and "某某牌" in f.message


def test_only_the_sme_reservation_may_be_justified() -> None:
    assert compliance.justifiable("sme_reservation")
    for rule in compliance.RULE_LABELS:
        if rule != "sme_reservation":
            assert not compliance.justifiable(rule), rule


pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_a_prohibited_clause_cannot_be_justified_and_blocks_finalize(w: PlansWorld) -> None:
    p = project(w)
    agency = w.users["agc_hz"]
    services.document_update(
        actor=agency, project=p, values={"qualifications": "投标人注册资本须达人民币壹仟万元"}
    )
    [size] = services.compliance_check(actor=agency, project=p)
    assert size.rule == "firm_size" and not size.justifiable
    with pytest.raises(RuleViolation) as e:
        services.finding_justify(
            actor=agency, finding=size, justification="本项目规模较大，需要供应商有足够实力。"
        )
    assert e.value.code == "finding_not_justifiable"
    size.refresh_from_db()
    assert size.status == "open" and size.justification == ""
    with pytest.raises(RuleViolation) as e:
        services.document_finalize(actor=agency, project=p)
    assert e.value.code == "compliance_findings_open"
    # a prohibited finding left justified by earlier code still blocks
    ComplianceFinding.objects.filter(pk=size.pk).update(status="justified")  # legacy row
    with pytest.raises(RuleViolation) as e:
        services.document_finalize(actor=agency, project=p)
    assert e.value.code == "compliance_findings_open"


@pytestmark_db
def test_sme_justification_goes_to_the_regulators_record(w: PlansWorld) -> None:
    p = project(w, sme="none")
    agency = w.users["agc_hz"]
    [sme] = services.compliance_check(actor=agency, project=p)
    sme = services.finding_justify(
        actor=agency,
        finding=sme,
        justification="经市场调研，本品目无中小企业生产厂商，不适宜预留。",
    )
    entry = AuditEntry.objects.get(action="finding.justified", object_id=str(sme.pk))
    assert entry.after["for_regulator"] is True
    assert entry.after["region"] == p.purchaser.region_id
    assert services.document_finalize(actor=agency, project=p).status == "final"


def _call(w: PlansWorld, who: str, path: str, body: Any = None) -> Any:
    return Client().post(
        "/api/v1/tenders" + path,
        data=json.dumps(body or {}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {w.tokens[who]}",
    )


@pytestmark_db
def test_api_refuses_the_justification_and_the_publication(w: PlansWorld) -> None:
    p = project(w)
    agency = w.users["agc_hz"]
    services.document_update(
        actor=agency, project=p, values={"qualifications": "须为杭州市注册企业"}
    )
    r = _call(w, "agc_hz", f"/projects/{p.pk}/compliance-check")
    [f] = r.json()
    assert f["rule"] == "local_presence"
    r = _call(
        w, "agc_hz", f"/findings/{f['id']}/justify", {"justification": "便于本地服务，确需保留。"}
    )
    assert r.status_code == 422 and r.json()["code"] == "finding_not_justifiable"
    r = _call(w, "agc_hz", f"/projects/{p.pk}/finalize")
    assert r.status_code == 422 and r.json()["code"] == "compliance_findings_open"
    deadline = dt.datetime(2026, 12, 14, 9, 30, tzinfo=clock.SHANGHAI)
    r = _call(w, "agc_hz", f"/projects/{p.pk}/publish", {"bid_deadline": deadline.isoformat()})
    assert r.status_code == 409 and r.json()["code"] == "bad_transition"


@pytestmark_db
def test_the_page_offers_a_justification_only_where_the_law_allows_one(w: PlansWorld) -> None:
    p = project(w, sme="none")
    agency = w.users["agc_hz"]
    services.document_update(actor=agency, project=p, values={"requirements": "预装Windows 11"})
    found = {f.rule: f for f in services.compliance_check(actor=agency, project=p)}
    assert set(found) == {"brand", "sme_reservation"}
    cl = Client()
    cl.force_login(agency)
    html = cl.get(f"/tenders/projects/{p.pk}/").content.decode()
    assert html.count('value="justify"') == 1
    assert "禁止性条款，不能以书面理由保留" in html
    r = cl.post(
        f"/tenders/projects/{p.pk}/act/",
        {
            "op": "justify",
            "finding": found["brand"].pk,
            "justification": "十个字以上的书面理由说明",
        },
        follow=True,
    )
    assert r.status_code in (200, 422)
    found["brand"].refresh_from_db()
    assert found["brand"].status == "open"
