"""Contracts: generated from a template with the award, issued for signing, signed by both
parties with their keys, announced, filed; supplementary contracts (法 43–50; 条例 47–50, 67)."""

from __future__ import annotations

import datetime as dt
import secrets as pysecrets
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from zhengcai.accounts.models import User
from zhengcai.bidding import crypto
from zhengcai.bidding import selectors as bond_selectors
from zhengcai.bidding import services as bidding
from zhengcai.bidding.constants import ERR_ALREADY_SIGNED as BOND_ALREADY
from zhengcai.bidding.constants import ERR_NO_BOND, RefundReason
from zhengcai.bidding.constants import ERR_NOT_AWARDED as BOND_NOT_AWARDED
from zhengcai.contracts import award_source, performance, rules
from zhengcai.contracts import constants as c
from zhengcai.contracts.models import (
    Contract,
    ContractSignature,
    ContractTemplate,
    PartyKey,
    Supplement,
)
from zhengcai.contracts.services.common import party_of, require_purchaser
from zhengcai.contracts.services.machines import CONTRACT
from zhengcai.core import clock, deadlines
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    PermissionDenied,
    PreconditionFailed,
    RuleViolation,
)
from zhengcai.core.services import message_send
from zhengcai.core.workdays import WorkCalendar
from zhengcai.credit import selectors as credit
from zhengcai.credit.constants import Activity
from zhengcai.plans import services as plans
from zhengcai.tenders.models import Lot

MAX_DT = dt.time(23, 59, 59)


def _money(value: Any, what: str) -> Decimal:
    try:
        d = Decimal(str(value)).quantize(rules.CENT)
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(f"{what}应为金额", code=c.ERR_AMOUNT) from exc
    return d


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, MAX_DT, tzinfo=clock.SHANGHAI)


def template_for(kind: str) -> ContractTemplate:
    """The default template of `kind`, created from rules.DEFAULT_TEMPLATES on first use."""
    tpl = ContractTemplate.objects.filter(kind=kind, is_default=True).first()
    if tpl is None:
        name, body = rules.DEFAULT_TEMPLATES[kind]
        tpl = ContractTemplate.objects.create(
            kind=kind, name=name, body=body, is_default=True, created_at=clock.now()
        )
    return tpl


@transaction.atomic
def template_save(
    *, actor: User, kind: str, name: str, body: str, default: bool = False
) -> ContractTemplate:
    if actor.role not in ("admin", "purchaser", "agency"):
        raise PermissionDenied("只有采购人、代理机构或平台管理员可以维护合同范本")
    if default and actor.role != "admin":
        raise PermissionDenied("只有平台管理员可以设置默认范本")
    if kind not in c.ContractKind.values or not name.strip():
        raise InvalidInput("请选择合同类型并填写范本名称", code=c.ERR_TEMPLATE)
    problem = rules.template_problem(body)
    if problem:
        raise InvalidInput(problem, code=c.ERR_TEMPLATE)
    if default:
        ContractTemplate.objects.filter(kind=kind, is_default=True).update(is_default=False)
    tpl = ContractTemplate.objects.create(
        kind=kind, name=name.strip()[:100], body=body, is_default=default, created_at=clock.now()
    )
    audit_record(actor=actor, action="contract.template", obj=tpl, after={"kind": kind})
    return tpl


def _render(k: Contract) -> str:
    security = (
        f"人民币 {k.security_amount} 元（{c.SecurityForm(k.security_form).label}）"
        if k.security_amount
        else "不收取"
    )
    values = {
        "contract_no": k.contract_no,
        "title": k.title,
        "purchaser": k.purchaser.name,
        "supplier": k.supplier.name,
        "project_no": k.project.project_no,
        "project_name": k.project.name,
        "lot_name": k.lot.name,
        "method": k.method_name,
        "amount": str(k.amount),
        "items": rules.items_text(k.items),
        "terms": k.terms or "（无）",
        "period": k.period or "按采购文件",
        "place": k.place or "采购人指定地点",
        "security": security,
        "sme_label": "【中小企业预留合同】" if k.sme_reserved else "",
        "payment_days": k.payment_days,
    }
    body = k.template.body if k.template is not None else rules.DEFAULT_TEMPLATES[k.kind][1]
    return rules.render(body, values)


def _void_superseded(actor: User, lot: Lot, supplier_id: int) -> None:
    """An unsigned contract drafted for a supplier the lot's award no longer names (the result
    was voided and another supplier determined, 94号令 16, 32) is void, so the new one can be
    drafted; a signed contract is never voided here (it is revoked by its own procedure)."""
    stale = (
        Contract.objects.select_for_update()
        .filter(lot=lot, status__in=(c.ContractStatus.DRAFT, c.ContractStatus.SIGNING))
        .exclude(supplier_id=supplier_id)
        .order_by("pk")
    )
    for k in stale:
        CONTRACT.move(k, to=c.ContractStatus.VOID, actor=actor, reason="award_superseded",
                      next_check=None)  # fmt: skip


def _contract_no(year: int, project_no: str, lot: Lot) -> str:
    """HT-<year>-<project>-<lot>; a lot's later contract (after one was voided or ended) gets
    its ordinal, so every number stays unique."""
    base = f"HT-{year}-{project_no}-{lot.number}"
    earlier = Contract.objects.filter(lot=lot).count()
    return (base if earlier == 0 else f"{base}-{earlier + 1}")[:40]


@transaction.atomic
def contract_draft(
    *, actor: User, lot: Lot, template: ContractTemplate | None = None, place: str = ""
) -> Contract:
    """The purchaser drafts the contract of an awarded lot from the template of its kind,
    filled with the award, the winner's final prices and the documents' terms (法 46)."""
    award = award_source.award_for_lot(lot)
    if award is None:
        raise Conflict("该采购包尚未确定中标（成交）供应商", code=c.ERR_NOT_AWARDED)
    project = award.project
    if actor.role != "purchaser" or actor.organization_id != project.purchaser_id:
        raise PermissionDenied("只有本项目的采购人可以草拟合同", code=c.ERR_NOT_PARTY)
    _void_superseded(actor, lot, award.supplier.pk)
    if Contract.objects.filter(lot=lot).exclude(status__in=c.NOT_IN_FORCE).exists():
        raise Conflict("该采购包已有合同", code=c.ERR_EXISTS)
    kind = project.object_kind if project.object_kind in c.ContractKind.values else "goods"
    tpl = template if template is not None else template_for(kind)
    terms, period = award_source.terms_of(project)
    cal = WorkCalendar.load()
    sign = rules.sign_due(cal, award.notice_on)
    now = clock.now()
    year = clock.today().year
    k = Contract.objects.create(
        uid=pysecrets.token_hex(16),
        contract_no=_contract_no(year, project.project_no, lot),
        title=f"{project.name}（{lot.name}）采购合同"[:200],
        kind=kind,
        project=project,
        lot=lot,
        purchaser=project.purchaser,
        supplier=award.supplier,
        template=tpl,
        amount=award.amount,
        items=award.items,
        terms=terms,
        period=period,
        place=place,
        method_name=str(project.method_config.name),
        sme_reserved=bool(lot.sme_reserved or project.sme_reservation not in ("", "none")),
        award_on=award.award_on,
        notice_on=award.notice_on,
        sign_due=sign.date,
        next_check=_end_of(sign.date) + dt.timedelta(seconds=1),
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    deadlines.track(
        obj=k, field="sign_due", start=award.notice_on, days=rules.SIGN_DAYS, unit="d",
        result=sign, label="合同签订期限", citation="法 46",
        parties=[k.purchaser, k.supplier],
    )  # fmt: skip
    audit_record(
        actor=actor,
        action="contract.draft",
        obj=k,
        organization=k.purchaser,
        after={"amount": str(k.amount), "supplier": k.supplier_id, "sign_due": str(sign.date)},
    )
    return k


@transaction.atomic
def contract_update(
    *, actor: User, contract: Contract, values: dict[str, Any], expected_version: int | None = None
) -> Contract:
    """The purchaser sets the draft's security, period, place, public-service flag, payment
    term and the secrets removed from the notice. 履约保证金 ≤ 10 %, non-cash (条例 48)."""
    k = CONTRACT.lock(contract)
    require_purchaser(actor, k)
    if k.status != c.ContractStatus.DRAFT:
        raise Conflict("合同已提交签署，不能修改", code=c.ERR_NOT_DRAFT)
    if expected_version is not None and k.version != expected_version:
        raise PreconditionFailed(detail={"current_version": k.version})
    security = _money(values.get("security_amount", k.security_amount), "履约保证金")
    form = str(values.get("security_form", k.security_form))
    if form not in c.SecurityForm.values:
        raise InvalidInput("履约保证金形式无效", code=c.ERR_SECURITY_FORM)
    problem = rules.security_problem(k.amount, security, form)
    if problem:
        code = (
            c.ERR_SECURITY_CAP if security > rules.security_cap(k.amount) else c.ERR_SECURITY_FORM
        )
        raise RuleViolation(problem, code=code, detail={"cap": str(rules.security_cap(k.amount))})
    k.security_amount = security
    k.security_form = form if security else c.SecurityForm.NONE
    for name in ("period", "place"):
        if name in values:
            setattr(k, name, str(values[name])[:200])
    if "public_service" in values:
        k.public_service = bool(values["public_service"])
    if "payment_days" in values:
        days = int(values["payment_days"])
        if not 1 <= days <= rules.PAYMENT_DAYS:
            raise InvalidInput(f"付款期限应为 1–{rules.PAYMENT_DAYS} 日", code=c.ERR_PAYMENT)
        k.payment_days = days
    if "secrets" in values:
        k.secrets = [str(s) for s in values["secrets"] if str(s).strip()]
    k.version += 1
    k.updated_at = clock.now()
    k.save()
    audit_record(
        actor=actor, action="contract.updated", obj=k, organization=k.purchaser,
        after={"security_amount": str(k.security_amount), "security_form": k.security_form},
    )  # fmt: skip
    return k


def _blocked(k: Contract) -> None:
    why = award_source.signing_block(k.lot)
    if why:
        raise Conflict(why, code=c.ERR_SIGNING_BLOCKED)
    refusal = credit.refusal(activity=Activity.SIGN, organization=k.supplier)
    if refusal is not None:
        raise RuleViolation(refusal.message, code=refusal.code)


@transaction.atomic
def contract_issue(
    *, actor: User, contract: Contract, expected_version: int | None = None
) -> Contract:
    """Freeze the text (rendered from the template) and its digest; both parties sign it."""
    require_purchaser(actor, contract)
    _blocked(contract)
    body = _render(contract)
    return CONTRACT.move(
        contract, to=c.ContractStatus.SIGNING, actor=actor, expected_version=expected_version,
        body=body, digest=rules.text_digest(body),
    )  # fmt: skip


@transaction.atomic
def contract_withdraw(*, actor: User, contract: Contract, reason: str) -> Contract:
    """Back to the draft before anyone has signed (to correct the text)."""
    require_purchaser(actor, contract)
    if contract.signatures.exists():
        raise Conflict("已有一方签署，不能撤回修改", code=c.ERR_ALREADY_SIGNED)
    if not reason.strip():
        raise InvalidInput("请写明撤回理由", code=c.ERR_TEMPLATE)
    return CONTRACT.move(contract, to=c.ContractStatus.DRAFT, actor=actor, reason=reason.strip(),
                         action="contract.draft_again", body="", digest="")  # fmt: skip


@transaction.atomic
def party_key_register(*, actor: User, public_key: str) -> PartyKey:
    """A purchaser registers its contract signing key (ECDSA P-256 PEM or SM2 hex)."""
    if actor.role != "purchaser" or actor.organization is None:
        raise InvalidInput("只有采购人可以登记合同签名公钥", code=c.ERR_BAD_KEY)
    try:
        algo, normalized = crypto.parse_public_key(public_key)
    except crypto.CryptoError as exc:
        raise InvalidInput(str(exc), code=c.ERR_BAD_KEY) from exc
    kid = crypto.key_id(normalized)
    key = PartyKey.objects.filter(key_id=kid).first()
    if key is not None:
        if key.organization_id != actor.organization_id:
            raise Conflict("该公钥已被其他单位登记", code=c.ERR_BAD_KEY)
        return key
    key = PartyKey.objects.create(
        organization=actor.organization, algo=algo, public_key=normalized, key_id=kid,
        created_at=clock.now(),
    )  # fmt: skip
    audit_record(actor=actor, action="contract.key_register", obj=key, after={"key_id": kid})
    return key


def _key(party: str, k: Contract, key_id: str) -> tuple[str, str]:
    if party == c.Party.SUPPLIER:
        from zhengcai.bidding.models import SupplierKey

        sk = SupplierKey.objects.filter(
            key_id=key_id, organization=k.supplier, is_active=True
        ).first()
        if sk is None:
            raise InvalidInput("未找到供应商登记的有效签名公钥", code=c.ERR_BAD_KEY)
        return sk.algo, sk.public_key
    pk = PartyKey.objects.filter(key_id=key_id, organization=k.purchaser).first()
    if pk is None:
        raise InvalidInput("未找到采购人登记的合同签名公钥", code=c.ERR_BAD_KEY)
    return pk.algo, pk.public_key


def signature_valid(sig: ContractSignature, contract: Contract) -> bool:
    """Re-check a stored signature against the contract's current text."""
    digest = rules.text_digest(contract.body)
    if digest != sig.digest:
        return False
    message = rules.signing_message(contract.uid, sig.party, digest)
    return crypto.verify_signature(sig.algo, sig.public_key, message, sig.signature)


@transaction.atomic
def contract_sign(*, actor: User, contract: Contract, key_id: str, signature: str) -> Contract:
    """One party signs the digest of the issued text with its key; verified at once
    (422 bad signature). The second signature makes the contract SIGNED: the announcement
    (条例 50) and filing (法 47) deadlines start, the winner's bid bond refund is scheduled
    (87号令 38), and the plan's contracted amount grows (budget execution)."""
    k = CONTRACT.lock(contract)
    party = party_of(actor, k)
    if k.status != c.ContractStatus.SIGNING:
        raise Conflict("合同不在待签署状态", code=c.ERR_NOT_SIGNING)
    _blocked(k)
    if k.signatures.filter(party=party).exists():
        raise Conflict("本方已签署", code=c.ERR_ALREADY_SIGNED)
    algo, public = _key(party, k, key_id)
    message = rules.signing_message(k.uid, party, k.digest)
    if rules.text_digest(k.body) != k.digest or not crypto.verify_signature(
        algo, public, message, signature
    ):
        raise InvalidInput("电子签名验证失败", code=c.ERR_BAD_SIGNATURE)
    now = clock.now()
    ContractSignature.objects.create(
        contract=k, party=party, signer=actor,
        organization=k.purchaser if party == c.Party.PURCHASER else k.supplier,
        algo=algo, public_key=public, key_id=key_id, digest=k.digest,
        signature=signature.strip(), signed_at=now,
    )  # fmt: skip
    audit_record(
        actor=actor, action="contract.party_signed", obj=k, organization=k.purchaser,
        after={"party": party, "key_id": key_id, "digest": k.digest},
    )  # fmt: skip
    if k.signatures.count() < 2:
        return k
    return _signed(actor, k, now)


def _signed(actor: User, k: Contract, now: dt.datetime) -> Contract:
    cal = WorkCalendar.load()
    day = now.astimezone(clock.SHANGHAI).date()
    ann = rules.announce_due(cal, day)
    fil = rules.filing_due(cal, day)
    k = CONTRACT.move(
        k, to=c.ContractStatus.SIGNED, actor=actor, signed_on=day,
        announce_due=ann.date, filing_due=fil.date,
        sign_overdue=rules.overdue(k.sign_due, day),
        next_check=_end_of(ann.date) + dt.timedelta(seconds=1),
    )  # fmt: skip
    for field, res, days, label, cite in (
        ("announce_due", ann, rules.ANNOUNCE_WD, "合同公告期限", "条例 50"),
        ("filing_due", fil, rules.FILING_WD, "合同备案期限", "法 47"),
    ):
        deadlines.track(
            obj=k, field=field, start=day, days=days, unit="WD", result=res, label=label,
            citation=cite, parties=[k.purchaser],
        )  # fmt: skip
    _bond_refund(k, day)
    if k.project.plan_id is not None:
        plans.plan_record_contracted(actor=actor, plan=k.project.plan, amount=k.amount)
    return k


def _bond_refund(k: Contract, day: dt.date) -> None:
    """The winner's bid bond: refund due 5 working days after signing (条例 33; 87号令 38)."""
    try:
        bidding.bond_contract_signed(
            actor=k.created_by, lot=k.lot, supplier=k.supplier, signed_on=day
        )
    except DomainError as exc:
        if exc.code in (ERR_NO_BOND, BOND_ALREADY):  # none held (exempt, refunded) or done
            return
        if exc.code != BOND_NOT_AWARDED:
            raise
        # the project as a whole is not (or no longer) AWARDED (other lots): schedule directly
        bond = (
            bond_selectors.bonds_visible(k.created_by, project_id=k.project_id)
            .filter(participation__lot=k.lot, participation__supplier=k.supplier)
            .first()
        )
        if bond is not None:
            bidding.bond_refund_schedule(
                bond=bond, event_day=day, reason=RefundReason.CONTRACT, actor=k.created_by
            )


def notice_fields(k: Contract, on: dt.date) -> dict[str, Any]:
    assert k.signed_on is not None
    return rules.contract_notice(
        rules.NoticeFacts(
            contract_no=k.contract_no, title=k.title, project_no=k.project.project_no,
            project_name=k.project.name, purchaser=k.purchaser.name, supplier=k.supplier.name,
            items=list(k.items), amount=k.amount, period=k.period or "按采购文件",
            place=k.place or "采购人指定地点",
            method=k.method_name, signed_on=k.signed_on, announced_on=on,
            sme_reserved=k.sme_reserved, text=k.body, secrets=list(k.secrets),
        )
    )  # fmt: skip


@transaction.atomic
def contract_announce(*, actor: User, contract: Contract) -> Contract:
    """合同公告 with the §7 fields, secrets removed (条例 50); a late one is flagged."""
    k = CONTRACT.lock(contract)
    require_purchaser(actor, k)
    if k.status not in (c.ContractStatus.SIGNED, c.ContractStatus.COMPLETED) or k.announced_at:
        raise Conflict("合同已公告或尚未签订", code=c.ERR_ANNOUNCE)
    today = clock.today()
    k.notice = notice_fields(k, today)
    k.announced_at = clock.now()
    k.announce_overdue = rules.overdue(k.announce_due, today)
    k.next_check = _next(k)
    k.version += 1
    k.save()
    audit_record(
        actor=actor, action="contract.announced", obj=k, organization=k.purchaser,
        after={"announce_due": str(k.announce_due), "late": k.announce_overdue},
    )  # fmt: skip
    return k


@transaction.atomic
def contract_file(*, actor: User, contract: Contract, filing_no: str = "") -> Contract:
    """合同备案: a copy filed with the finance department (法 47)."""
    k = CONTRACT.lock(contract)
    require_purchaser(actor, k)
    if k.signed_on is None or k.filed_at is not None:
        raise Conflict("合同已备案或尚未签订", code=c.ERR_FILE)
    today = clock.today()
    k.filed_at = clock.now()
    k.filing_no = (filing_no.strip() or f"BA-{k.contract_no}")[:40]
    k.filing_overdue = rules.overdue(k.filing_due, today)
    k.next_check = _next(k)
    k.version += 1
    k.save()
    audit_record(
        actor=actor, action="contract.filed", obj=k, organization=k.purchaser,
        after={"filing_no": k.filing_no, "late": k.filing_overdue},
    )  # fmt: skip
    return k


@transaction.atomic
def supplement_add(
    *, actor: User, contract: Contract, amount: Any, basis: str, signed_on: dt.date | None = None
) -> Supplement:
    """补充合同 (法 49): the same subject, all supplements together ≤ 10 % of the original."""
    k = CONTRACT.lock(contract)
    require_purchaser(actor, k)
    if k.status != c.ContractStatus.SIGNED:
        raise Conflict("只有已签订且在履行中的合同可以签订补充合同", code=c.ERR_NOT_SIGNED)
    if not basis.strip():
        raise InvalidInput("请写明签订补充合同的依据（法 49）", code=c.ERR_SUPPLEMENT_BASIS)
    value = _money(amount, "补充合同金额")
    earlier = list(k.supplements.values_list("amount", flat=True))
    problem = rules.supplement_problem(k.amount, earlier, value)
    if problem:
        raise RuleViolation(
            problem, code=c.ERR_SUPPLEMENT_OVER,
            detail={"room": str(rules.supplement_room(k.amount, earlier))},
        )  # fmt: skip
    s = Supplement.objects.create(
        contract=k, number=len(earlier) + 1, basis=basis.strip(), amount=value,
        signed_on=signed_on or clock.today(), created_by=actor, created_at=clock.now(),
    )  # fmt: skip
    audit_record(
        actor=actor, action="contract.supplement", obj=k, organization=k.purchaser,
        after={"number": s.number, "amount": str(value), "basis": s.basis},
    )  # fmt: skip
    if k.project.plan_id is not None:
        plans.plan_record_contracted(actor=actor, plan=k.project.plan, amount=value)
    return s


@transaction.atomic
def contracts_revoke(*, lot: Lot, actor: User, reason: str) -> list[str]:
    """撤销合同 (94号令 32 (三)): a complaint decision revokes the lot's signed contract that
    is not yet performed (registered with `awards.hooks.on_contract_revoke`). The contract
    leaves force through its machine, its running deadlines stop, the budget line's
    contracted amount is released, both parties are told; returns the numbers revoked."""
    held = list(
        Contract.objects.select_for_update()
        .filter(lot=lot, status=c.ContractStatus.SIGNED)
        .order_by("pk")
    )
    revoked: list[str] = []
    for k in held:
        if performance.begun(k):
            raise RuleViolation(
                f"合同 {k.contract_no} 已经开始履行，不能撤销，依法承担赔偿责任（94号令 32）",
                code=c.ERR_CLOSED,
            )
        k = CONTRACT.move(k, to=c.ContractStatus.REVOKED, actor=actor, reason=reason[:500],
                          next_check=None)  # fmt: skip
        for field in ("sign_due", "announce_due", "filing_due"):
            deadlines.untrack(obj=k, field=field)
        value = k.amount + sum((s.amount for s in k.supplements.all()), Decimal(0))
        if k.project.plan_id is not None and value > 0:
            plans.plan_release_contracted(
                actor=actor, plan=k.project.plan, amount=value, reason=reason[:200]
            )
        for org in (k.purchaser_id, k.supplier_id):
            message_send(
                organization_id=org,
                kind="contract_revoked",
                subject=f"合同已撤销：{k.contract_no}",
                body=reason[:500],
                link=f"/contracts/{k.pk}/",
            )
        revoked.append(k.contract_no)
    return revoked


# --- the timed check ---------------------------------------------------------------------------


def _next(k: Contract) -> dt.datetime | None:
    """The instant after the next open deadline's last day."""
    if k.signed_on is None:
        open_days = [k.sign_due] if not k.sign_overdue and k.status not in c.NOT_IN_FORCE else []
    else:
        open_days = []
        if k.announced_at is None and not k.announce_overdue and k.announce_due:
            open_days.append(k.announce_due)
        if k.filed_at is None and not k.filing_overdue and k.filing_due:
            open_days.append(k.filing_due)
    if not open_days:
        return None
    return _end_of(min(open_days)) + dt.timedelta(seconds=1)


def contract_timed(obj: Any) -> None:
    """Flag an overdue signing (法 46), announcement (条例 50) or filing (法 47)."""
    k: Contract = obj
    today = clock.today()
    flagged = []
    if k.signed_on is None and not k.sign_overdue and rules.overdue(k.sign_due, today):
        k.sign_overdue = True
        flagged.append(("sign_due", "法 46"))
    if k.signed_on is not None:
        if (
            k.announced_at is None
            and not k.announce_overdue
            and rules.overdue(k.announce_due, today)
        ):
            k.announce_overdue = True
            flagged.append(("announce_due", "条例 50"))
        if k.filed_at is None and not k.filing_overdue and rules.overdue(k.filing_due, today):
            k.filing_overdue = True
            flagged.append(("filing_due", "法 47"))
    k.next_check = _next(k)
    k.save(update_fields=["sign_overdue", "announce_overdue", "filing_overdue", "next_check"])
    for field, cite in flagged:
        audit_record(
            actor=None, action="contract.overdue", obj=k, organization=k.purchaser,
            after={"deadline": field, "due": str(getattr(k, field)), "basis": cite},
        )  # fmt: skip
