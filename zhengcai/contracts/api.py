"""REST endpoints of the contracts app: contracts (draft, edit, issue, sign, announce, file,
supplements), milestones and acceptance, payment requests, the treasury exchange and the
public contract notices. Each handler: access function, one service, ETag (If-Match on edits)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from zhengcai.accounts.auth import api_auth
from zhengcai.contracts import access, selectors, services
from zhengcai.contracts.models import Acceptance, Contract, Milestone, PaymentRequest
from zhengcai.core.errors import NotFound, PermissionDenied
from zhengcai.core.http import etag, if_match_version, request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut, StrictIn

router = Router(auth=api_auth(), tags=["contracts"])


class SignatureOut(Schema):
    party: str
    organization: str
    algo: str
    key_id: str
    digest: str
    signature: str
    signed_at: dt.datetime
    valid: bool


class ContractOut(Schema):
    id: int
    contract_no: str
    title: str
    kind: str
    status: str
    project_id: int
    lot_id: int
    purchaser: str
    supplier: str
    supplier_id: int
    amount: Decimal
    items: list[dict[str, Any]]
    security_amount: Decimal
    security_form: str
    security_deducted: Decimal
    sme_reserved: bool
    public_service: bool
    digest: str
    notice_on: dt.date
    sign_due: dt.date
    sign_overdue: bool
    signed_on: dt.date | None
    announce_due: dt.date | None
    announce_overdue: bool
    announced_at: dt.datetime | None
    filing_due: dt.date | None
    filing_overdue: bool
    filed_at: dt.datetime | None
    filing_no: str
    supplements_total: Decimal
    supplement_room: Decimal
    signatures: list[SignatureOut]
    version: int


class PublicContractOut(Schema):
    id: int
    notice: dict[str, Any]


class DraftIn(StrictIn):
    place: str = ""
    template_id: int | None = None


class TemplateIn(StrictIn):
    kind: str
    name: str
    body: str
    default: bool = False


class TemplateOut(Schema):
    id: int
    kind: str
    name: str
    body: str
    is_default: bool


class WithdrawIn(StrictIn):
    reason: str


class UpdateIn(StrictIn):
    security_amount: Decimal | None = None
    security_form: str | None = None
    period: str | None = None
    place: str | None = None
    public_service: bool | None = None
    payment_days: int | None = None
    secrets: list[str] | None = None


class SignIn(StrictIn):
    key_id: str
    signature: str


class KeyIn(StrictIn):
    public_key: str


class KeyOut(Schema):
    key_id: str
    algo: str


class FileIn(StrictIn):
    filing_no: str = ""


class SupplementIn(StrictIn):
    amount: Decimal
    basis: str
    signed_on: dt.date | None = None


class SupplementOut(Schema):
    number: int
    amount: Decimal
    basis: str
    signed_on: dt.date


class MilestoneIn(StrictIn):
    name: str
    kind: str
    due_on: dt.date
    amount: Decimal


class MilestoneOut(Schema):
    id: int
    seq: int
    name: str
    kind: str
    due_on: dt.date
    amount: Decimal
    status: str
    version: int


class AcceptanceIn(StrictIn):
    members: list[str] = []
    experts: list[str] = []
    complex_project: bool = False


class ReportIn(StrictIn):
    passed: bool
    findings: str


class MemberSignIn(StrictIn):
    password: str
    agrees: bool = True
    opinion: str = ""


class RemedyIn(StrictIn):
    remedy: str
    note: str = ""
    deduction: Decimal = Decimal("0")


class AcceptanceOut(Schema):
    id: int
    milestone_id: int
    status: str
    passed: bool | None
    findings: str
    report_digest: str
    remedy: str
    deduction: Decimal
    members: int
    signed: int
    version: int


class PaymentIn(StrictIn):
    amount: Decimal | None = None


class RefuseIn(StrictIn):
    reason: str


class PaymentOut(Schema):
    id: int
    milestone_id: int
    amount: Decimal
    status: str
    requested_on: dt.date
    due_on: dt.date
    late: bool
    instruction_no: str
    paid_on: dt.date | None
    voucher_no: str
    version: int


class TreasuryOut(Schema):
    file: str | None
    imported: list[dict[str, Any]] = []


def _contract(k: Contract) -> ContractOut:
    sups = [s.amount for s in k.supplements.all()]
    from zhengcai.contracts import rules

    return ContractOut(
        id=k.pk, contract_no=k.contract_no, title=k.title, kind=k.kind, status=k.status,
        project_id=k.project_id, lot_id=k.lot_id, purchaser=k.purchaser.name,
        supplier=k.supplier.name, supplier_id=k.supplier_id, amount=k.amount, items=k.items,
        security_amount=k.security_amount, security_form=k.security_form,
        security_deducted=k.security_deducted, sme_reserved=k.sme_reserved,
        public_service=k.public_service, digest=k.digest, notice_on=k.notice_on,
        sign_due=k.sign_due, sign_overdue=k.sign_overdue, signed_on=k.signed_on,
        announce_due=k.announce_due, announce_overdue=k.announce_overdue,
        announced_at=k.announced_at, filing_due=k.filing_due, filing_overdue=k.filing_overdue,
        filed_at=k.filed_at, filing_no=k.filing_no, supplements_total=sum(sups, Decimal("0")),
        supplement_room=rules.supplement_room(k.amount, sups),
        signatures=[
            SignatureOut(party=s.party, organization=s.organization.name, algo=s.algo,
                         key_id=s.key_id, digest=s.digest, signature=s.signature,
                         signed_at=s.signed_at, valid=services.signature_valid(s, k))
            for s in k.signatures.all()
        ],
        version=k.version,
    )  # fmt: skip


def _milestone(m: Milestone) -> MilestoneOut:
    return MilestoneOut(id=m.pk, seq=m.seq, name=m.name, kind=m.kind, due_on=m.due_on,
                        amount=m.amount, status=m.status, version=m.version)  # fmt: skip


def _acceptance(a: Acceptance) -> AcceptanceOut:
    members = list(a.members.all())
    return AcceptanceOut(
        id=a.pk, milestone_id=a.milestone_id, status=a.status, passed=a.passed,
        findings=a.findings, report_digest=a.report_digest, remedy=a.remedy,
        deduction=a.deduction, members=len(members),
        signed=sum(1 for x in members if x.signed_at), version=a.version,
    )  # fmt: skip


def _payment(p: PaymentRequest) -> PaymentOut:
    return PaymentOut(
        id=p.pk, milestone_id=p.milestone_id, amount=p.amount, status=p.status,
        requested_on=p.requested_on, due_on=p.due_on, late=p.late,
        instruction_no=p.instruction_no, paid_on=p.paid_on, voucher_no=p.voucher_no,
        version=p.version,
    )  # fmt: skip


def _ok(response: HttpResponse, k: Contract) -> ContractOut:
    response["ETag"] = etag("contract", k)
    return _contract(k)


R = {200: ContractOut, API_ERRORS: ErrorOut}


@router.get("/contracts", response={200: list[ContractOut], API_ERRORS: ErrorOut},
            summary="合同列表（本单位可见）")  # fmt: skip
def contract_list(request: HttpRequest) -> list[ContractOut]:
    return [_contract(k) for k in access.contracts_visible(request_user(request))[:200]]


@router.get("/contracts/{pk}", response=R, summary="合同详情")
def contract_get(request: HttpRequest, response: HttpResponse, pk: int) -> ContractOut:
    return _ok(response, access.access_contract(user=request_user(request), pk=pk))


@router.post("/lots/{lot_id}/contract", response={201: ContractOut, API_ERRORS: ErrorOut},
             summary="按合同范本生成合同草稿（采购人）")  # fmt: skip
def contract_draft(request: HttpRequest, lot_id: int, payload: DraftIn) -> tuple[int, ContractOut]:
    user = request_user(request)
    lot = access.access_awarded_lot(user=user, pk=lot_id)
    tpl = selectors.template_get(payload.template_id) if payload.template_id else None
    k = services.contract_draft(actor=user, lot=lot, template=tpl, place=payload.place)
    return 201, _contract(k)


def _template(t: Any) -> TemplateOut:
    return TemplateOut(id=t.pk, kind=t.kind, name=t.name, body=t.body, is_default=t.is_default)


@router.get("/templates", response={200: list[TemplateOut], API_ERRORS: ErrorOut},
            summary="合同范本")  # fmt: skip
def template_list(request: HttpRequest) -> list[TemplateOut]:
    request_user(request)
    return [_template(t) for t in selectors.templates()[:200]]


@router.post("/templates", response={201: TemplateOut, API_ERRORS: ErrorOut},
             summary="保存合同范本（占位符见 docs/contracts.md）")  # fmt: skip
def template_create(request: HttpRequest, payload: TemplateIn) -> tuple[int, TemplateOut]:
    t = services.template_save(actor=request_user(request), kind=payload.kind, name=payload.name,
                               body=payload.body, default=payload.default)  # fmt: skip
    return 201, _template(t)


@router.post("/contracts/{pk}/withdraw", response=R, summary="撤回待签署合同（尚无签名时）")
def contract_withdraw(
    request: HttpRequest, response: HttpResponse, pk: int, payload: WithdrawIn
) -> ContractOut:
    user = request_user(request)
    k = access.access_contract(user=user, pk=pk)
    return _ok(response, services.contract_withdraw(actor=user, contract=k, reason=payload.reason))


@router.post("/contracts/{pk}/update", response=R,
             summary="修改合同草稿：履约保证金（≤10%，非现金）等（需 If-Match）")  # fmt: skip
def contract_update(
    request: HttpRequest, response: HttpResponse, pk: int, payload: UpdateIn
) -> ContractOut:
    user = request_user(request)
    k = access.access_contract(user=user, pk=pk)
    version = if_match_version(request, "contract", pk)
    values = payload.model_dump(exclude_none=True)
    k = services.contract_update(actor=user, contract=k, values=values, expected_version=version)
    return _ok(response, k)


@router.post("/contracts/{pk}/issue", response=R, summary="合同定稿，提交双方签署（需 If-Match）")
def contract_issue(request: HttpRequest, response: HttpResponse, pk: int) -> ContractOut:
    user = request_user(request)
    k = access.access_contract(user=user, pk=pk)
    version = if_match_version(request, "contract", pk)
    return _ok(response, services.contract_issue(actor=user, contract=k, expected_version=version))


@router.post("/contracts/{pk}/sign", response=R, summary="一方对合同文本摘要电子签名")
def contract_sign(
    request: HttpRequest, response: HttpResponse, pk: int, payload: SignIn
) -> ContractOut:
    user = request_user(request)
    k = access.access_contract(user=user, pk=pk)
    k = services.contract_sign(actor=user, contract=k, key_id=payload.key_id,
                               signature=payload.signature)  # fmt: skip
    k.refresh_from_db()
    return _ok(response, k)


@router.post("/keys", response={201: KeyOut, API_ERRORS: ErrorOut},
             summary="登记采购人合同签名公钥")  # fmt: skip
def key_register(request: HttpRequest, payload: KeyIn) -> tuple[int, KeyOut]:
    key = services.party_key_register(actor=request_user(request), public_key=payload.public_key)
    return 201, KeyOut(key_id=key.key_id, algo=key.algo)


@router.post("/contracts/{pk}/announce", response=R, summary="发布合同公告（条例 50）")
def contract_announce(request: HttpRequest, response: HttpResponse, pk: int) -> ContractOut:
    user = request_user(request)
    k = access.access_contract(user=user, pk=pk)
    return _ok(response, services.contract_announce(actor=user, contract=k))


@router.post("/contracts/{pk}/file", response=R, summary="合同备案（法 47）")
def contract_file(
    request: HttpRequest, response: HttpResponse, pk: int, payload: FileIn
) -> ContractOut:
    user = request_user(request)
    k = access.access_contract(user=user, pk=pk)
    return _ok(
        response, services.contract_file(actor=user, contract=k, filing_no=payload.filing_no)
    )


@router.post("/contracts/{pk}/supplements", response={201: SupplementOut, API_ERRORS: ErrorOut},
             summary="登记补充合同（法 49：累计≤10%）")  # fmt: skip
def supplement_add(
    request: HttpRequest, pk: int, payload: SupplementIn
) -> tuple[int, SupplementOut]:
    user = request_user(request)
    k = access.access_contract(user=user, pk=pk)
    s = services.supplement_add(actor=user, contract=k, amount=payload.amount,
                                basis=payload.basis, signed_on=payload.signed_on)  # fmt: skip
    return 201, SupplementOut(
        number=s.number, amount=s.amount, basis=s.basis, signed_on=s.signed_on
    )


@router.post("/contracts/{pk}/milestones", response={201: MilestoneOut, API_ERRORS: ErrorOut},
             summary="添加履约节点")  # fmt: skip
def milestone_add(request: HttpRequest, pk: int, payload: MilestoneIn) -> tuple[int, MilestoneOut]:
    user = request_user(request)
    k = access.access_contract(user=user, pk=pk)
    m = services.milestone_add(actor=user, contract=k, name=payload.name, kind=payload.kind,
                               due_on=payload.due_on, amount=payload.amount)  # fmt: skip
    return 201, _milestone(m)


@router.post("/milestones/{pk}/deliver", response={200: MilestoneOut, API_ERRORS: ErrorOut},
             summary="供应商报告交付")  # fmt: skip
def milestone_deliver(request: HttpRequest, pk: int) -> MilestoneOut:
    user = request_user(request)
    m = access.access_milestone(user=user, pk=pk)
    return _milestone(services.milestone_deliver(actor=user, milestone=m))


@router.post("/milestones/{pk}/acceptance", response={201: AcceptanceOut, API_ERRORS: ErrorOut},
             summary="组织履约验收（验收小组）")  # fmt: skip
def acceptance_open(
    request: HttpRequest, pk: int, payload: AcceptanceIn
) -> tuple[int, AcceptanceOut]:
    user = request_user(request)
    m = access.access_milestone(user=user, pk=pk)

    def people(names: list[str]) -> list[Any]:
        found = [selectors.user_named(n) for n in names]
        if any(u is None for u in found):
            raise NotFound("验收小组成员不存在")
        return found

    a = services.acceptance_open(actor=user, milestone=m, members=[user, *people(payload.members)],
                                 experts=people(payload.experts),
                                 complex_project=payload.complex_project)  # fmt: skip
    return 201, _acceptance(a)


@router.post("/acceptances/{pk}/report", response={200: AcceptanceOut, API_ERRORS: ErrorOut},
             summary="提交验收报告")  # fmt: skip
def acceptance_report(request: HttpRequest, pk: int, payload: ReportIn) -> AcceptanceOut:
    user = request_user(request)
    a = access.access_acceptance(user=user, pk=pk)
    return _acceptance(services.acceptance_report(actor=user, acceptance=a, passed=payload.passed,
                                                  findings=payload.findings))  # fmt: skip


@router.post("/acceptances/{pk}/sign", response={200: AcceptanceOut, API_ERRORS: ErrorOut},
             summary="验收小组成员签署验收报告")  # fmt: skip
def acceptance_sign(request: HttpRequest, pk: int, payload: MemberSignIn) -> AcceptanceOut:
    user = request_user(request)
    a = access.access_acceptance(user=user, pk=pk)
    services.acceptance_sign(actor=user, acceptance=a, password=payload.password,
                             agrees=payload.agrees, opinion=payload.opinion)  # fmt: skip
    a.refresh_from_db()
    return _acceptance(a)


@router.post("/acceptances/{pk}/remedy", response={200: AcceptanceOut, API_ERRORS: ErrorOut},
             summary="验收不合格的处理（整改、扣除履约保证金、解除合同）")  # fmt: skip
def acceptance_remedy(request: HttpRequest, pk: int, payload: RemedyIn) -> AcceptanceOut:
    user = request_user(request)
    a = access.access_acceptance(user=user, pk=pk)
    a = services.acceptance_remedy(actor=user, acceptance=a, remedy=payload.remedy,
                                   note=payload.note, deduction=payload.deduction)  # fmt: skip
    return _acceptance(a)


@router.post("/milestones/{pk}/payments", response={201: PaymentOut, API_ERRORS: ErrorOut},
             summary="供应商申请支付")  # fmt: skip
def payment_request(request: HttpRequest, pk: int, payload: PaymentIn) -> tuple[int, PaymentOut]:
    user = request_user(request)
    m = access.access_milestone(user=user, pk=pk)
    return 201, _payment(services.payment_request(actor=user, milestone=m, amount=payload.amount))


@router.post("/payments/{pk}/approve", response={200: PaymentOut, API_ERRORS: ErrorOut},
             summary="采购人审核支付申请（需 If-Match）")  # fmt: skip
def payment_approve(request: HttpRequest, response: HttpResponse, pk: int) -> PaymentOut:
    user = request_user(request)
    p = access.access_payment(user=user, pk=pk)
    version = if_match_version(request, "payment", pk)
    p = services.payment_approve(actor=user, payment=p, expected_version=version)
    response["ETag"] = etag("payment", p)
    return _payment(p)


@router.post("/payments/{pk}/refuse", response={200: PaymentOut, API_ERRORS: ErrorOut},
             summary="采购人退回支付申请")  # fmt: skip
def payment_refuse(request: HttpRequest, pk: int, payload: RefuseIn) -> PaymentOut:
    user = request_user(request)
    p = access.access_payment(user=user, pk=pk)
    return _payment(services.payment_refuse(actor=user, payment=p, reason=payload.reason))


@router.get("/payments/{pk}", response={200: PaymentOut, API_ERRORS: ErrorOut},
            summary="支付申请详情")  # fmt: skip
def payment_get(request: HttpRequest, response: HttpResponse, pk: int) -> PaymentOut:
    p = access.access_payment(user=request_user(request), pk=pk)
    response["ETag"] = etag("payment", p)
    return _payment(p)


def _admin(request: HttpRequest) -> Any:
    user = request_user(request)
    if user.role != "admin":
        raise PermissionDenied("只有平台管理员可以办理国库支付文件交换")
    return user


@router.post("/treasury/export", response={200: TreasuryOut, API_ERRORS: ErrorOut},
             summary="生成国库集中支付指令文件（平台管理员）")  # fmt: skip
def treasury_export(request: HttpRequest) -> TreasuryOut:
    path = services.treasury_export(actor=_admin(request))
    return TreasuryOut(file=path.name if path else None)


@router.post("/treasury/import", response={200: TreasuryOut, API_ERRORS: ErrorOut},
             summary="读取国库支付回执文件（平台管理员）")  # fmt: skip
def treasury_import(request: HttpRequest) -> TreasuryOut:
    done = services.treasury_import(actor=_admin(request))
    return TreasuryOut(file=None, imported=[
        {"file": x.file, "paid": x.paid, "returned": x.returned, "unknown": x.unknown}
        for x in done
    ])  # fmt: skip


@router.get("/public/contracts", response={200: list[PublicContractOut]}, auth=None,
            summary="合同公告（公开）")  # fmt: skip
def public_contracts(request: HttpRequest) -> list[PublicContractOut]:
    return [PublicContractOut(id=k.pk, notice=k.notice or {})
            for k in selectors.public_contracts()[:200]]  # fmt: skip


@router.get("/public/contracts/{pk}", response={200: PublicContractOut, API_ERRORS: ErrorOut},
            auth=None, summary="合同公告详情（公开）")  # fmt: skip
def public_contract(request: HttpRequest, pk: int) -> PublicContractOut:
    k = selectors.public_contract(pk)
    return PublicContractOut(id=k.pk, notice=k.notice or {})
