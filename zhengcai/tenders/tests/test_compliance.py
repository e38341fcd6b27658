"""采购文件合规审查: for each forbidden clause, a document that must be flagged and a close
variant that must not be."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from zhengcai.tenders import compliance, methods, rules

CLEAN_FACTORS = [
    rules.Factor("价格", Decimal(40), True, True, "低价优先法"),
    rules.Factor("技术方案", Decimal(45), False, False, "方案完整、可行"),
    rules.Factor("售后服务", Decimal(15), False, False, "响应时间"),
]


def facts(**kw: Any) -> compliance.DocumentFacts:
    base: dict[str, Any] = {
        "requirements": "便携式计算机100台，处理器不低于8核，内存16GB",
        "qualifications": "具有ISO9001质量管理体系认证证书",
        "factors": CLEAN_FACTORS,
        "evaluation_method": "comprehensive",
        "object_kind": "goods",
        "config": methods.get("open_tender"),
        "budget": Decimal("1500000.00"),
        "sme_reservation": "whole",
        "sme_reserved_percent": Decimal(100),
    }
    base.update(kw)
    return compliance.DocumentFacts(**base)


def rules_of(f: compliance.DocumentFacts) -> list[tuple[str, str]]:
    return [(x.rule, x.article) for x in compliance.check_document(f)]


def test_clean_document_has_no_findings() -> None:
    assert rules_of(facts()) == []


def with_factor(name: str, criteria: str) -> list[rules.Factor]:
    return [*CLEAN_FACTORS[:2], rules.Factor(name, Decimal(15), True, False, criteria)]


CASES = [
    # (rule, article, flagged document, close variant not flagged)
    (
        "brand",
        "条例 20(6)",
        {"requirements": "笔记本电脑品牌为联想ThinkPad X1，内存16GB"},
        {"requirements": "笔记本电脑参考联想ThinkPad X1或相当于其性能的产品，内存16GB"},
    ),
    (
        "brand",
        "条例 20(6)",
        {"requirements": "本项目指定品牌，须原厂授权"},
        {"requirements": "本项目不指定品牌，须提供原厂授权"},
    ),
    (
        "brand",
        "条例 20(6)",
        {"qualifications": "须为指定供应商名单内企业"},
        {"qualifications": "须为依法设立的企业，不得指定供应商"},
    ),
    (
        "firm_size",
        "87号令 17; 46号 5",
        {"qualifications": "投标人注册资本不低于1000万元"},
        {"qualifications": "投标人须提供营业执照，拟派项目团队不少于5人"},
    ),
    (
        "firm_size",
        "87号令 17; 46号 5",
        {"factors": with_factor("企业实力", "从业人员超过200人得15分")},
        {"factors": with_factor("项目团队", "拟派驻场工程师每增加1人得3分")},
    ),
    (
        "region_record",
        "条例 20(4)",
        {"factors": with_factor("业绩", "具有浙江省内同类项目业绩的每个得5分")},
        {"factors": with_factor("业绩", "近三年具有同类项目业绩的每个得5分")},
    ),
    (
        "region_record",
        "条例 20(4)",
        {"qualifications": "近三年获得本市行业主管部门颁发的优秀企业奖项"},
        {"qualifications": "近三年内在经营活动中没有重大违法记录"},
    ),
    (
        "local_presence",
        "条例 20(7)",
        {"qualifications": "投标人须在本市注册"},
        {"qualifications": "投标人须依法注册，中标后在本市设立售后服务网点"},
    ),
    (
        "local_presence",
        "条例 20(7)",
        {"qualifications": "投标人须在杭州市设有分支机构"},
        {"requirements": "中标后须在杭州市设有服务网点，2小时内到场"},
    ),
    (
        "qualification_scored",
        "87号令 55",
        {"factors": with_factor("体系认证", "具有ISO9001质量管理体系认证证书得15分")},
        {"factors": with_factor("体系认证", "具有ISO14001环境管理体系认证证书得15分")},
    ),
    (
        "price_weight",
        "87号令 55",
        {
            "factors": [
                rules.Factor("价格", Decimal(25), True, True),
                rules.Factor("技术", Decimal(75), False, False),
            ]
        },
        {
            "factors": [
                rules.Factor("价格", Decimal(30), True, True),
                rules.Factor("技术", Decimal(70), False, False),
            ]
        },
    ),
    (
        "price_weight",
        "87号令 55",
        {
            "object_kind": "services",
            "factors": [
                rules.Factor("价格", Decimal(9), True, True),
                rules.Factor("服务", Decimal(91), False, False),
            ],
        },
        {
            "object_kind": "services",
            "factors": [
                rules.Factor("价格", Decimal(10), True, True),
                rules.Factor("服务", Decimal(90), False, False),
            ],
        },
    ),
    (
        "price_weight",
        "214号 24",
        {
            "config": methods.get("consultation"),
            "factors": [
                rules.Factor("价格", Decimal(65), True, True),
                rules.Factor("技术", Decimal(35), False, False),
            ],
        },
        {
            "config": methods.get("consultation"),
            "factors": [
                rules.Factor("价格", Decimal(60), True, True),
                rules.Factor("技术", Decimal(40), False, False),
            ],
        },
    ),
    (
        "sme_reservation",
        "46号 7",
        {"sme_reservation": "none", "budget": Decimal("2000000.00")},
        {"sme_reservation": "whole", "budget": Decimal("2000000.00")},
    ),
    (
        "sme_reservation",
        "46号 8; 19号",
        {
            "sme_reservation": "lot",
            "sme_reserved_percent": Decimal("29.99"),
            "budget": Decimal("2000000.01"),
        },
        {
            "sme_reservation": "lot",
            "sme_reserved_percent": Decimal("30"),
            "budget": Decimal("2000000.01"),
        },
    ),
]


@pytest.mark.parametrize(
    ("rule", "article", "bad", "good"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_forbidden_clause_flagged_and_close_variant_not(
    rule: str, article: str, bad: dict[str, Any], good: dict[str, Any]
) -> None:
    assert (rule, article) in rules_of(facts(**bad))
    assert [r for r, _ in rules_of(facts(**good)) if r == rule] == []


def test_lot_requirements_are_checked_and_findings_have_stable_fingerprints() -> None:
    f = facts(lot_requirements=[(2, "打印机品牌：惠普")])
    found = compliance.check_document(f)
    assert [(x.rule, x.section) for x in found] == [("brand", "lot:2")]
    assert found[0].fingerprint == compliance.check_document(f)[0].fingerprint


def test_lowest_price_method_has_no_price_weight_rule_and_single_source_no_sme() -> None:
    f = facts(evaluation_method="lowest_price", factors=[])
    assert rules_of(f) == []
    f = facts(config=methods.get("single_source"), sme_reservation="none")
    assert rules_of(f) == []


def test_works_use_the_400_wan_limit() -> None:
    f = facts(object_kind="works", sme_reservation="none", budget=Decimal("3000000.00"))
    assert ("sme_reservation", "46号 7") in rules_of(f)
