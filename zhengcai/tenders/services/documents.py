"""Templates and the procurement documents: build, edit (terms, bonds 条例 33, SME rates 46号 9,
reviewed budgets), the method's evaluation rules (87号令 53; 条例 34)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import User
from zhengcai.catalog.selectors import region_chain
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import (
    Conflict,
    InvalidInput,
    PermissionDenied,
    RuleViolation,
)
from zhengcai.methods.local import local_basis
from zhengcai.tenders import constants as c
from zhengcai.tenders import (
    methods,
    rules,
    sme_rates,
    terms,
)
from zhengcai.tenders.models import (
    DocumentTemplate,
    ProcurementDocument,
    Project,
)
from zhengcai.tenders.services.common import (
    _check_version,
    _decimal,
    _lock,
    _money,
    _move,
    _redraft,
    _require_editable,
    _require_manager,
)

# =============================================================================================
# Templates and documents
# =============================================================================================

TEMPLATE_FIELDS = (
    "name",
    "method",
    "object_kind",
    "requirements",
    "qualifications",
    "evaluation_method",
    "factors",
    "contract_terms",
    "bid_bond_percent",
)


def _factors(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise InvalidInput("评分因素须为列表", code=c.ERR_FACTORS_INVALID)
    out = []
    for item in raw:
        if not isinstance(item, dict):
            raise InvalidInput("评分因素格式错误", code=c.ERR_FACTORS_INVALID)
        try:
            parsed = rules.parse_factors([item])[0]
        except (InvalidOperation, ValueError) as exc:
            raise InvalidInput("评分因素分值无效", code=c.ERR_FACTORS_INVALID) from exc
        out.append(
            {
                "name": parsed.name,
                "points": str(parsed.points),
                "objective": parsed.objective,
                "is_price": parsed.is_price,
                "criteria": parsed.criteria,
            }
        )
    return out


def _bond_percent(value: Any) -> Decimal:
    pct = _decimal(value, "投标保证金比例")
    if pct > rules.BID_BOND_MAX_PERCENT:
        raise RuleViolation(
            "投标保证金不得超过采购项目预算金额的2%（条例 33）", code=c.ERR_BOND_TOO_HIGH
        )
    return pct


@transaction.atomic
def template_save(
    *,
    actor: User,
    values: dict[str, Any],
    template: DocumentTemplate | None = None,
    expected_version: int | None = None,
) -> DocumentTemplate:
    if actor.role != Role.AGENCY or actor.organization is None:
        raise PermissionDenied("只有代理机构可以维护范本")
    now = clock.now()
    if template is None:
        tpl = DocumentTemplate(agency=actor.organization, created_by=actor, created_at=now)
        tpl.evaluation_method = c.EvaluationMethod.COMPREHENSIVE
    else:
        tpl = DocumentTemplate.objects.select_for_update().get(pk=template.pk)
        if tpl.agency_id != actor.organization_id:
            raise PermissionDenied("只有本代理机构可以维护范本")
        _check_version(tpl, expected_version)
        tpl.version += 1
    for key in TEMPLATE_FIELDS:
        if key not in values:
            continue
        value = values[key]
        if key == "factors":
            value = _factors(value)
        elif key == "bid_bond_percent":
            value = _bond_percent(value)
        elif key == "evaluation_method" and value not in c.EvaluationMethod.values:
            raise InvalidInput("评审方法无效", code="choice_invalid")
        elif isinstance(value, str):
            value = value.strip()
        setattr(tpl, key, value)
    if not tpl.name:
        raise InvalidInput("请填写范本名称", code="name_required")
    tpl.updated_at = now
    tpl.save()
    audit_record(
        actor=actor,
        action="template.saved",
        obj=tpl,
        organization=tpl.agency,
        after={k: values[k] for k in TEMPLATE_FIELDS if k in values and k != "factors"},
    )
    return tpl


def _evaluation_method_refused(cfg: methods.MethodConfig, object_kind: str) -> RuleViolation:
    return RuleViolation(
        f"{cfg.name}不适用该评审方法（{cfg.citation}）",
        code=c.ERR_EVALUATION_METHOD,
        detail={"allowed": list(cfg.evaluation_methods_for(object_kind))},
    )


def _method_allowed(project: Project, method: str) -> bool:
    """The procurement method allows `method` for the object kind, and a local form (合理定价
    评审抽签法) only where the region's dated rule enables it (87号令 53; 条例 34)."""
    cfg = project.method_config
    if not cfg.allows(method, project.object_kind):
        return False
    codes = [r.code for r in region_chain(project.purchaser.region)]
    on = clock.today()
    return method not in cfg.local_evaluation or bool(
        local_basis(method, project.object_kind, codes, on)
    )


def _method_refusal(project: Project, method: str) -> RuleViolation:
    cfg = project.method_config
    if method not in cfg.local_evaluation or not cfg.allows(method, project.object_kind):
        return _evaluation_method_refused(cfg, project.object_kind)
    return RuleViolation(
        "该评审方法是地方规定，本地区未启用（87号令 53；条例 34：货物服务招标只用最低评标价法"
        "和综合评分法）",
        code=c.ERR_EVALUATION_METHOD_LOCAL,
        detail={"evaluation_method": method, "region": project.purchaser.region.code},
    )


@transaction.atomic
def document_build(
    *,
    actor: User,
    project: Project,
    template: DocumentTemplate,
    evaluation_method: str | None = None,
) -> ProcurementDocument:
    """Start (or restart) the documents from one of the agency's templates.

    The evaluation method is `evaluation_method` if given, else the template's. One the
    procurement method does not allow is refused (422 `evaluation_method_not_allowed`, with
    the allowed ones) — except a template's method under a procurement method the law gives
    only one evaluation method (谈判/询价: 最低报价 74号令 35, 49; 磋商: 综合评分 214号 23;
    单一来源: 协商): that one applies, and the audit entry says so."""
    locked = _lock(project)
    _require_manager(actor, locked)
    _require_editable(locked)
    if template.agency_id != locked.agency_id:
        raise PermissionDenied("只能使用本代理机构的范本")
    cfg = locked.method_config
    allowed = cfg.evaluation_methods_for(locked.object_kind)
    prescribed = ""
    if evaluation_method is not None:
        if not _method_allowed(locked, evaluation_method):
            raise _method_refusal(locked, evaluation_method)
    elif _method_allowed(locked, template.evaluation_method):
        evaluation_method = template.evaluation_method
    elif len(allowed) == 1:
        evaluation_method = prescribed = allowed[0]
    else:
        raise _evaluation_method_refused(cfg, locked.object_kind)
    requirements = template.requirements or locked.plan.requirements
    doc, created = ProcurementDocument.objects.get_or_create(
        project=locked,
        defaults={"evaluation_method": evaluation_method, "updated_at": clock.now()},
    )
    doc.template = template
    doc.requirements = requirements
    doc.qualifications = template.qualifications
    doc.evaluation_method = evaluation_method
    doc.factors = list(template.factors) if evaluation_method == "comprehensive" else []
    doc.contract_terms = template.contract_terms
    doc.bid_bond_percent = min(template.bid_bond_percent, rules.BID_BOND_MAX_PERCENT)
    sme_rates.set_defaults(locked, doc)
    _clear_terms(locked, doc)
    if not created:
        _redraft(doc, actor)
    doc.updated_by, doc.updated_at = actor, clock.now()
    doc.save()
    _apply_bond(locked, doc)
    if locked.status == c.ProjectStatus.DOCUMENTS_READY:
        _move(actor=actor, project=locked, to_status=c.ProjectStatus.DRAFT, reason="重新编制")
    audit_record(
        actor=actor,
        action="document.built",
        obj=doc,
        organization=locked.agency,
        after={
            "template": template.pk,
            "version": doc.version,
            "evaluation_method": evaluation_method,
            **({"prescribed_by": cfg.citation} if prescribed else {}),
        },
    )
    return doc


def _apply_bond(project: Project, doc: ProcurementDocument) -> None:
    """Bid bond per lot = lot budget × percent, never above 2% (条例 33)."""
    for lot in project.lots.all():
        amount = rules.bid_bond_amount(lot.budget, doc.bid_bond_percent)
        if lot.bid_bond_amount != amount:
            lot.bid_bond_amount = amount
            lot.save(update_fields=["bid_bond_amount"])


DOCUMENT_FIELDS = {
    "requirements",
    "qualifications",
    "evaluation_method",
    "factors",
    "contract_terms",
    "bid_bond_percent",
    *sme_rates.FIELDS,
    *c.LOTTERY_TERMS,
    *c.LIFE_CYCLE_TERMS,
}
TERM_FIELDS = frozenset(c.LOTTERY_TERMS + c.LIFE_CYCLE_TERMS)


def _reviewed_budgets(project: Project, raw: Any) -> dict[int, Decimal | None]:
    """`[{"lot_id": …, "reviewed_budget": …}]` (or `{lot_id: amount}`) → {lot pk: amount};
    each ≤ the lot's budget (the reasonable price is drawn from it, seed 001)."""
    items = list(raw.items()) if isinstance(raw, dict) else None
    if items is None and isinstance(raw, list):
        try:
            items = [(x["lot_id"], x.get("reviewed_budget")) for x in raw]
        except (KeyError, TypeError, AttributeError) as exc:
            raise InvalidInput("审核后的预算格式错误", code=c.ERR_METHOD_TERMS_INVALID) from exc
    if items is None:
        raise InvalidInput("审核后的预算格式错误", code=c.ERR_METHOD_TERMS_INVALID)
    lots = {lot.pk: lot for lot in project.lots.all()}
    out: dict[int, Decimal | None] = {}
    for key, value in items:
        try:
            lot = lots[int(key)]
        except (KeyError, ValueError, TypeError) as exc:
            raise InvalidInput(
                "采购包不属于本项目", code=c.ERR_METHOD_TERMS_INVALID, detail={"lot_id": key}
            ) from exc
        if terms.empty(value):
            out[lot.pk] = None
            continue
        amount = _money(value, "审核后的预算")
        if amount <= 0:
            raise InvalidInput("审核后的预算必须大于0", code=c.ERR_METHOD_TERMS_INVALID)
        if amount > lot.budget:
            raise RuleViolation(
                f"第{lot.number}包审核后的预算不得超过预算金额 {lot.budget} 元",
                code=c.ERR_REVIEWED_BUDGET,
                detail={"lot": lot.number},
            )
        out[lot.pk] = amount
    return out


def _set_reviewed_budgets(project: Project, budgets: dict[int, Decimal | None]) -> None:
    for lot in project.lots.all():
        if lot.pk in budgets and lot.reviewed_budget != budgets[lot.pk]:
            lot.reviewed_budget = budgets[lot.pk]
            lot.save(update_fields=["reviewed_budget"])


def _clear_terms(project: Project, doc: ProcurementDocument) -> None:
    """Drop the terms of evaluation methods other than the document's."""
    keep = c.METHOD_TERMS.get(doc.evaluation_method, ())
    if "lottery_discount" not in keep:
        doc.lottery_discount = None
        project.lots.exclude(reviewed_budget=None).update(reviewed_budget=None)
    if "service_life_years" not in keep:
        doc.service_life_years = None
        doc.life_cycle_costs = ""
        doc.life_cycle_discount_rate = None


def method_terms_missing(project: Project, doc: ProcurementDocument) -> list[str]:
    """What the documents must still publish for their evaluation method (empty = complete)."""
    missing: list[str] = []
    if doc.evaluation_method == c.EvaluationMethod.REASONABLE_PRICE_LOTTERY:
        if doc.lottery_discount is None:
            missing.append("下浮率")
        for lot in project.lots.all():
            if lot.reviewed_budget is None:
                missing.append(f"第{lot.number}包审核后的预算")
    elif doc.evaluation_method == c.EvaluationMethod.LIFE_CYCLE_COST:
        if doc.service_life_years is None:
            missing.append("使用寿命")
        if not doc.life_cycle_costs.strip():
            missing.append("须报价的运行与处置成本")
    return missing


def _apply_terms(
    doc: ProcurementDocument, project: Project, values: dict[str, Any], before: dict[str, Any]
) -> None:
    """The terms of 合理定价评审抽签法 / 全生命周期成本法: each validated; refused under another
    evaluation method (422 `method_terms_not_applicable`); the other method's cleared."""
    keep = c.METHOD_TERMS.get(doc.evaluation_method, ())
    for key in TERM_FIELDS & set(values):
        value = values[key]
        blank = terms.empty(value) or (key == "reviewed_budgets" and not value)
        if key not in keep and not blank:
            if key == "reviewed_budgets" and all(
                terms.empty(v) for v in _reviewed_budgets(project, value).values()
            ):
                continue
            raise InvalidInput(
                f"{doc.get_evaluation_method_display()}不填写该项（{key}）",
                code=c.ERR_METHOD_TERMS_NOT_APPLICABLE,
                detail={"field": key, "evaluation_method": doc.evaluation_method},
            )
    _clear_terms(project, doc)
    if "lottery_discount" in keep:
        if "lottery_discount" in values:
            value = values["lottery_discount"]
            discount = None if terms.empty(value) else terms.rate(value, "下浮率", zero_ok=False)
            doc.lottery_discount = discount
        if "reviewed_budgets" in values:
            budgets = _reviewed_budgets(project, values["reviewed_budgets"] or [])
            before["reviewed_budgets"] = {
                str(lot.pk): str(lot.reviewed_budget) for lot in project.lots.all()
            }
            _set_reviewed_budgets(project, budgets)
    if "service_life_years" in keep:
        if "service_life_years" in values:
            value = values["service_life_years"]
            doc.service_life_years = None if terms.empty(value) else terms.service_life(value)
        if "life_cycle_costs" in values:
            raw = values["life_cycle_costs"]
            text = "" if terms.empty(raw) else str(raw)
            doc.life_cycle_costs = text.strip()[:4000]
        if "life_cycle_discount_rate" in values:
            value = values["life_cycle_discount_rate"]
            doc.life_cycle_discount_rate = (
                None if terms.empty(value) else terms.rate(value, "折现率", zero_ok=True)
            )


def _apply_document_values(
    doc: ProcurementDocument, project: Project, values: dict[str, Any]
) -> dict[str, Any]:
    unknown = set(values) - DOCUMENT_FIELDS
    if unknown:
        raise InvalidInput("不可修改的字段", code="unknown_field", detail=sorted(unknown))
    before = {k: getattr(doc, k) for k in values if k not in ("reviewed_budgets",)}
    for key, value in values.items():
        if key in TERM_FIELDS:
            continue
        if key == "factors":
            value = _factors(value)
        elif key == "bid_bond_percent":
            value = _bond_percent(value)
        elif key in sme_rates.FIELDS:
            value = sme_rates.checked(project, key, value)
        elif key == "evaluation_method":
            if not _method_allowed(project, str(value)):
                raise _method_refusal(project, str(value))
        elif isinstance(value, str):
            value = value.strip()
        setattr(doc, key, value)
    _apply_terms(doc, project, values, before)
    if doc.evaluation_method == c.EvaluationMethod.COMPREHENSIVE:
        problems = rules.factor_problems(rules.parse_factors(doc.factors))
        if problems:
            raise InvalidInput("；".join(problems), code=c.ERR_FACTORS_INVALID)
    return before


@transaction.atomic
def document_update(
    *,
    actor: User,
    project: Project,
    values: dict[str, Any],
    expected_version: int | None = None,
) -> ProcurementDocument:
    locked = _lock(project)
    _require_manager(actor, locked)
    _require_editable(locked)
    doc = ProcurementDocument.objects.select_for_update().filter(project=locked).first()
    if doc is None:
        raise Conflict("请先从范本生成采购文件", code=c.ERR_NO_DOCUMENT)
    _check_version(doc, expected_version)
    before = _apply_document_values(doc, locked, values)
    _redraft(doc, actor)
    doc.updated_by, doc.updated_at = actor, clock.now()
    doc.save()
    _apply_bond(locked, doc)
    if locked.status == c.ProjectStatus.DOCUMENTS_READY:
        _move(actor=actor, project=locked, to_status=c.ProjectStatus.DRAFT, reason="修改采购文件")
    audit_record(
        actor=actor,
        action="document.updated",
        obj=doc,
        organization=locked.agency,
        before={k: v for k, v in before.items() if k != "factors"},
        after={"version": doc.version, "fields": sorted(values)},
    )
    return doc
