"""The codes of the procurement methods and of what each method is made of.

The lowest layer of method knowledge: `plans` (which method a plan uses), `tenders` (the
project core), `bidding` and `evaluation` all read these codes, and only
`zhengcai.methods.config` says what a code means. No module outside `zhengcai/methods/`
compares a method code (`tests/architecture` enforces it).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Method(models.TextChoices):
    """采购方式 (法 26; 110号令)."""

    OPEN_TENDER = "open_tender", _("公开招标")
    INVITED_TENDER = "invited_tender", _("邀请招标")
    NEGOTIATION = "negotiation", _("竞争性谈判")
    CONSULTATION = "consultation", _("竞争性磋商")
    RFQ = "rfq", _("询价")
    SINGLE_SOURCE = "single_source", _("单一来源")
    FRAMEWORK = "framework", _("框架协议")
    # Below the 采购限额标准 and outside the 集中采购目录 the Law's procedures do not apply
    # (法 2): the unit buys by its own internal rules.
    BELOW_LIMIT = "below_limit", _("限额以下自行采购")


class EvaluationMethod(models.TextChoices):
    LOWEST_PRICE = "lowest_price", _("最低评标价法")
    COMPREHENSIVE = "comprehensive", _("综合评分法")
    REASONABLE_PRICE_LOTTERY = "reasonable_price_lottery", _("合理定价评审抽签法")
    LOWEST_QUOTE = "lowest_quote", _("最低报价成交")
    NEGOTIATED_PRICE = "negotiated_price", _("协商确定成交价")
    LIFE_CYCLE_COST = "life_cycle_cost", _("全生命周期成本法")


class TwoSupplierBasis(models.TextChoices):
    """Why a 竞争性磋商 may stand with 2 suppliers instead of 3 (rules.md §2, §4.5).

    * 214号 3（四）: 市场竞争不充分的科研项目，以及需要扶持的科技成果转化项目 — 214号 21 ¶3:
      提交最后报价的供应商可以为2家; 214号 34（三）: not terminated with 2 conforming;
    * 财库〔2015〕124号: 政府购买服务项目（含政府和社会资本合作项目）— with 2 conforming
      suppliers the procedure continues; with 1 it is terminated."""

    NONE = "none", _("不适用（不少于3家）")
    RESEARCH = "research", _("市场竞争不充分的科研项目")
    TECH_TRANSFER = "tech_transfer", _("需要扶持的科技成果转化项目")
    PUBLIC_SERVICE = "public_service", _("政府购买服务项目（含政府和社会资本合作项目）")


# The article each basis rests on (shown with the basis and stored in the audit entry).
TWO_SUPPLIER_ARTICLES: dict[str, str] = {
    TwoSupplierBasis.RESEARCH: "214号 3（四）、21 第三款、34（三）",
    TwoSupplierBasis.TECH_TRANSFER: "214号 3（四）、21 第三款、34（三）",
    TwoSupplierBasis.PUBLIC_SERVICE: "214号 3（一）；财库〔2015〕124号",
}


class NoticeKind(models.TextChoices):
    TENDER = "tender", _("招标公告")
    PREQUALIFICATION = "prequalification", _("资格预审公告")
    NEGOTIATION = "negotiation", _("竞争性谈判公告")
    CONSULTATION = "consultation", _("竞争性磋商公告")
    RFQ = "rfq", _("询价公告")
    FRAMEWORK = "framework", _("框架协议征集公告")
    CORRECTION = "correction", _("更正公告")
    TERMINATION = "termination", _("终止公告")


class SingleSourceGround(models.TextChoices):
    """The three grounds of 法 31 (a method fact: `MethodConfig.needs_ground`,
    `MethodConfig.publicity_grounds`)."""

    ONLY_ONE = "only_one", _("只能从唯一供应商处采购（法31①）")
    EMERGENCY = "emergency", _("不可预见的紧急情况（法31②）")
    ADDITION = "addition", _("添购，不超过原合同金额10%（法31③）")


# A plan outcome that is no 政府采购 method: works — and goods and services tied to works —
# that are tendered follow the 招标投标法 (法 4; 条例 7), and must be tendered at or above the
# thresholds of 《必须招标的工程项目规定》(发改委令第16号). It has no MethodConfig: such a plan
# never becomes a project of this platform (see `zhengcai.methods.outcomes`).
BIDDING_LAW = "bidding_law"

# What a plan may record as its method: every `Method` and the 招标投标法 outcome.
PlanMethod = models.TextChoices(  # type: ignore[misc,call-overload]
    "PlanMethod",
    [
        *[(m.name, (m.value, m.label)) for m in Method],
        ("BIDDING_LAW", (BIDDING_LAW, _("依法招标（招标投标法）"))),
    ],
)
PlanMethod.__doc__ = (
    "A plan's method: a 政府采购 method (法 26) or 依法招标（招标投标法） (法 4; 条例 7)."
)
