"""Web pages of bidding: the supplier's bid page, the agency's opening room, the supervisors'
watch page (HTMX polling) and the evidence page. Thin: access_*, one service, render."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import User
from zhengcai.bidding import access, client, crypto, rules, selectors, services
from zhengcai.bidding import constants as c
from zhengcai.bidding.models import (
    Bid,
    NegotiationRound,
    Opening,
    Participation,
    SubmissionWindow,
    SupplierKey,
)
from zhengcai.core import clock
from zhengcai.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from zhengcai.tenders import rules as tender_rules
from zhengcai.tenders.models import Lot, Project

LIVE = ["submitted", "opened", "flagged"]


def _me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "error.html", {"error": exc}, status=exc.status)


def _projects_for(user: User) -> Any:
    qs = Project.objects.select_related("purchaser__region", "agency").exclude(bid_deadline=None)
    if user.role == Role.AGENCY:
        return qs.filter(agency_id=user.organization_id)
    if user.role == Role.PURCHASER:
        return qs.filter(purchaser_id=user.organization_id)
    if user.role == Role.SUPPLIER:
        return qs.filter(status__in=["published", "bidding_closed", "opened", "evaluating"])
    if user.role in {Role.SUPERVISOR, Role.REGULATOR} and user.region is not None:
        return qs.filter(purchaser__region__path__startswith=user.region.path)
    if user.role == Role.ADMIN:
        return qs
    return qs.none()


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    projects = list(_projects_for(user).order_by("-bid_deadline")[:50])
    mine = set()
    if user.role == Role.SUPPLIER:
        mine = set(
            Participation.objects.filter(supplier_id=user.organization_id).values_list(
                "project_id", flat=True
            )
        )
    return render(
        request,
        "bidding/home.html",
        {"projects": projects, "mine": mine, "now": clock.now()},
    )


@login_required
def project_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    try:
        project, role = access.access_project(user=user, pk=pk)
        window = services.bid_window(project)
    except DomainError as exc:
        return _error(request, exc)
    ctx: dict[str, Any] = {
        "project": project,
        "role": role,
        "window": window,
        "now": clock.now(),
        "accepting": rules.accepting(window.deadline, clock.now()),
        "opening": Opening.objects.filter(window=window).first(),
        "final_windows": project.submission_windows.filter(kind=c.WindowKind.FINAL_QUOTE),
    }
    if role == "supplier":
        parts = list(
            Participation.objects.filter(project=project, supplier_id=user.organization_id)
            .select_related("lot")
            .order_by("lot__number")
        )
        live = {
            b.participation_id: b
            for b in Bid.objects.filter(
                participation__in=parts,
                window=window,
                status__in=["submitted", "opened", "flagged"],
            ).select_related("receipt")
        }
        ctx.update(
            parts=[(p, live.get(p.pk)) for p in parts],
            free_lots=project.lots.exclude(pk__in=[p.lot_id for p in parts]),
            keys=SupplierKey.objects.filter(
                organization_id=user.organization_id or 0, is_active=True
            ),
            demo_enabled=services.demo_signer_enabled(),
            sme_choices=c.SmeSize.choices,
        )
    return render(request, "bidding/project.html", ctx)


@login_required
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    try:
        lot = access.access_lot_for_supplier(user=user, pk=int(request.POST.get("lot", "0")))
        if lot.project_id != pk:
            raise InvalidInput("采购包不属于该项目")
        services.participation_register(actor=user, lot=lot)
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    else:
        messages.success(request, "报名成功")
    return redirect("bidding:project", pk)


def _signed_from_form(request: HttpRequest, window_uid: str, key: SupplierKey) -> Any:
    """(schedule, schedule signature, files) from the form: either the supplier's own
    signatures (lines printed by the client's `sign` / `sign-schedule`), or the demo signer."""
    uploads = request.FILES.getlist("files")
    files: dict[str, bytes] = {str(f.name): f.read() for f in uploads}
    if request.POST.get("demo_sign") == "1":
        signer = services.demo_signer(key)
        try:
            price = Decimal(request.POST.get("total_price", ""))
        except InvalidOperation as exc:
            raise InvalidInput("请填写总价", code=c.ERR_BAD_SCHEDULE) from exc
        demo_schedule = {
            "total_price": format(price, "f"),
            "discount": request.POST.get("discount", "") or "0",
            "delivery": request.POST.get("delivery", ""),
            "declarations": {
                "sme_size": request.POST.get("sme_size", ""),
                "prison_enterprise": request.POST.get("prison") == "1",
                "disabled_welfare": request.POST.get("welfare") == "1",
            },
        }
        body = client.bid_payload(
            window_uid=window_uid,
            signer=signer,
            key_id=key.key_id,
            schedule=demo_schedule,
            files=files,
        )
        sigs = {f["name"]: f["signature"] for f in body["files"]}
        return body["schedule"], body["schedule_signature"], files, sigs
    schedule_sig = ""
    schedule: dict[str, Any] = {}
    sigs = {}
    for line in request.POST.get("signatures", "").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            item = json.loads(line)
        except ValueError as exc:
            raise InvalidInput("签名清单格式不正确：每行一个 JSON", code="bad_signatures") from exc
        if "schedule" in item:
            schedule, schedule_sig = item["schedule"], item["signature"]
        else:
            sigs[item["name"]] = item["signature"]
    return schedule, schedule_sig, files, sigs


def _submit_into(
    request: HttpRequest,
    user: User,
    part: Participation,
    window: SubmissionWindow,
    rnd: NegotiationRound | None = None,
) -> services.Submitted:
    """One sealed envelope from the form (the same signing flow for bids and final
    quotations): the supplier's own signature lines, or the demo signer."""
    key = SupplierKey.objects.filter(
        organization_id=user.organization_id or 0, key_id=request.POST.get("key_id", "")
    ).first()
    if key is None:
        raise InvalidInput("请选择签名公钥", code=c.ERR_UNKNOWN_KEY)
    schedule, schedule_sig, files, sigs = _signed_from_form(request, window.uid, key)
    files_in = [services.FileIn(n, data, sigs.get(n, "")) for n, data in files.items()]
    evidence_in = services.EvidenceIn(
        ip=request.META.get("REMOTE_ADDR"),
        fingerprint=request.POST.get("fingerprint", ""),
        user_agent=request.headers.get("User-Agent", ""),
    )
    if rnd is not None:
        return services.final_quote_submit(
            actor=user,
            rnd=rnd,
            participation=part,
            key_id=key.key_id,
            schedule=schedule,
            schedule_signature=schedule_sig,
            files=files_in,
            evidence_in=evidence_in,
        )
    return services.bid_submit(
        actor=user,
        participation=part,
        window=window,
        key_id=key.key_id,
        schedule=schedule,
        schedule_signature=schedule_sig,
        files=files_in,
        evidence_in=evidence_in,
    )


@login_required
@require_POST
def submit(request: HttpRequest, pk: int, part_pk: int) -> HttpResponse:
    user = _me(request)
    try:
        part = access.access_participation(user=user, pk=part_pk)
        result = _submit_into(request, user, part, services.bid_window(part.project))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已密封递交，回执号 {result.receipt.receipt_id}")
    return redirect("bidding:project", pk)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int, bid_pk: int) -> HttpResponse:
    user = _me(request)
    back = reverse("bidding:project", args=[pk])
    try:
        bid = access.access_bid(user=user, pk=bid_pk)
        if bid.window.kind == c.WindowKind.FINAL_QUOTE:
            back = reverse("bidding:rounds", args=[pk]) + f"#window-{bid.window_id}"
        services.bid_withdraw(actor=user, bid=bid)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已撤回，可在截止前重新递交")
    return redirect(back)


@login_required
def receipt(request: HttpRequest, bid_pk: int) -> HttpResponse:
    try:
        bid = access.access_bid(user=_me(request), pk=bid_pk)
    except DomainError as exc:
        return _error(request, exc)
    r = bid.receipt
    data = {"receipt": r.payload, "signature": r.signature, "algorithm": "Ed25519"}
    resp = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    resp["Content-Disposition"] = f'attachment; filename="{r.receipt_id}.json"'
    return resp


@login_required
def keys(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    if user.role != Role.SUPPLIER:
        return _error(request, PermissionDenied("只有供应商登记签名公钥"))
    if request.method == "POST":
        try:
            if request.POST.get("op") == "demo":
                services.key_create_demo(actor=user, algo=request.POST.get("algo", "ecdsa-p256"))
            else:
                services.key_register(
                    actor=user,
                    public_key=request.POST.get("public_key", ""),
                    label=request.POST.get("label", ""),
                )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "公钥已登记")
        return redirect("bidding:keys")
    return render(
        request,
        "bidding/keys.html",
        {
            "keys": SupplierKey.objects.filter(organization_id=user.organization_id or 0),
            "demo_enabled": services.demo_signer_enabled(),
            "platform_pem": crypto.platform_public_key_pem(),
        },
    )


def _window_of(user: User, project: Project, raw: str) -> SubmissionWindow:
    """The bid window, or (with `window`) a final-quotation window of the same project."""
    if not raw:
        return services.bid_window(project)
    try:
        window = access.access_window(user=user, pk=int(raw))
    except ValueError as exc:
        raise NotFound("递交窗口不存在") from exc
    if window.project_id != project.pk:
        raise NotFound("递交窗口不存在")
    return window


@login_required
@require_POST
def opening_act(request: HttpRequest, pk: int) -> HttpResponse:
    """Agency: start / answer / sign; bidders: object."""
    user = _me(request)
    op = request.POST.get("op", "")
    back = reverse("bidding:project", args=[pk]) + "#opening"
    try:
        project, _role = access.access_project(user=user, pk=pk)
        window = _window_of(user, project, request.POST.get("window", ""))
        if window.kind == c.WindowKind.FINAL_QUOTE:
            back = reverse("bidding:rounds", args=[pk]) + f"#window-{window.pk}"
        if op == "start":
            access.access_window(user=user, pk=window.pk, action="open")
            res = services.opening_start(actor=user, window=window)
            if res.outcome != c.OpeningOutcome.OPENED:
                messages.warning(request, c.OpeningOutcome(res.outcome).label)
        else:
            opening, _ = access.access_opening(user=user, pk=int(request.POST.get("opening", "0")))
            if op == "object":
                services.objection_raise(
                    actor=user, opening=opening, text=request.POST.get("text", "")
                )
            elif op == "answer":
                obj = access.access_objection(user=user, pk=int(request.POST.get("objection", "0")))
                services.objection_answer(
                    actor=user, objection=obj, answer=request.POST.get("text", "")
                )
            elif op == "sign":
                services.opening_sign(actor=user, opening=opening)
            else:
                raise InvalidInput("未知操作")
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    else:
        messages.success(request, "已完成")
    return redirect(back)


@login_required
def opening_live(request: HttpRequest, pk: int) -> HttpResponse:
    """The record fragment the watch page polls (HTMX, every 5 s)."""
    try:
        project, role = access.access_project(user=_me(request), pk=pk)
        window = _window_of(_me(request), project, request.GET.get("window", ""))
        opening = Opening.objects.filter(window=window).first()
        if opening is not None:
            access.access_opening(user=_me(request), pk=opening.pk)
    except DomainError as exc:
        return _error(request, exc)
    return render(
        request,
        "bidding/_opening.html",
        {"project": project, "role": role, "window": window, "opening": opening, "live": True},
    )


@login_required
def evidence_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        project = access.access_evidence(user=_me(request), pk=pk)
    except DomainError as exc:
        return _error(request, exc)
    bids = (
        Bid.objects.filter(window__project=project, status__in=["opened", "flagged"])
        .select_related("participation__supplier", "participation__lot", "evidence")
        .prefetch_related("documents")
    )
    return render(
        request,
        "bidding/evidence.html",
        {"project": project, "pairs": selectors.evidence_pairs(project), "bids": bids},
    )


# --- 谈判 / 磋商 rounds and final quotations ------------------------------------------------


def _rounds_project(user: User, pk: int) -> tuple[Project, str]:
    project, role = access.access_project(user=user, pk=pk)
    if not project.method_config.has_negotiation_rounds:
        raise NotFound("该采购方式没有谈判/磋商轮次")
    return project, role


@login_required
def rounds_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    try:
        project, role = _rounds_project(user, pk)
    except DomainError as exc:
        return _error(request, exc)
    supplier_id = user.organization_id if role == "supplier" else None
    lots = selectors.negotiation_view(project, supplier_id=supplier_id, now=clock.now())
    if role == "supplier" and not any(lr.participations for lr in lots):
        return _error(request, NotFound("您未参加本项目的谈判/磋商"))
    bid_window = project.submission_windows.filter(kind=c.WindowKind.BID).first()
    return render(
        request,
        "bidding/rounds.html",
        {
            "project": project,
            "role": role,
            "lots": lots,
            "now": clock.now(),
            "responses_opened": bool(bid_window and bid_window.status == c.WindowStatus.OPENED),
            "has_final": project.method_config.has_final_quotations,
            "minimum": tender_rules.min_suppliers_to_continue(
                project.method_config, project.two_supplier_basis
            ),
            "keys": SupplierKey.objects.filter(
                organization_id=user.organization_id or 0, is_active=True
            )
            if role == "supplier"
            else [],
            "demo_enabled": services.demo_signer_enabled(),
            "sme_choices": c.SmeSize.choices,
        },
    )


def _deadline_in(value: str) -> dt.datetime | None:
    if not value.strip():
        return None
    try:
        naive = dt.datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidInput("最后报价截止时间格式不正确", code="datetime_invalid") from exc
    return naive.replace(tzinfo=clock.SHANGHAI) if naive.tzinfo is None else naive


@login_required
@require_POST
def round_act(request: HttpRequest, pk: int) -> HttpResponse:
    """Agency: open a round (changes, 采购人代表, optional final-quotation deadline) or
    eliminate a supplier with its reason."""
    user = _me(request)
    op = request.POST.get("op", "")
    try:
        project, role = _rounds_project(user, pk)
        if role != "agency":
            raise PermissionDenied("只有本项目的代理机构可以组织谈判/磋商")
        if op == "round":
            lot = Lot.objects.filter(project=project, pk=int(request.POST.get("lot") or 0)).first()
            if lot is None:
                raise NotFound("采购包不存在")
            rnd = services.round_open(
                actor=user,
                lot=lot,
                changes=request.POST.get("changes", ""),
                purchaser_rep=request.POST.get("purchaser_rep", ""),
                final_deadline=_deadline_in(request.POST.get("final_deadline", "")),
            )
            done = f"第 {rnd.number} 轮已书面发送给 {len(rnd.recipients)} 家供应商"
        elif op == "eliminate":
            part = Participation.objects.filter(
                project=project, pk=int(request.POST.get("participation") or 0)
            ).first()
            if part is None:
                raise NotFound("报名记录不存在")
            services.participation_eliminate(
                actor=user, participation=part, reason=request.POST.get("reason", "")
            )
            done = f"已淘汰 {part.supplier.name}，理由已告知该供应商"
        else:
            raise InvalidInput("未知操作")
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", "参数错误"))
    else:
        messages.success(request, done)
    return redirect("bidding:rounds", pk)


@login_required
@require_POST
def final_submit(request: HttpRequest, pk: int, round_pk: int, part_pk: int) -> HttpResponse:
    """A supplier's sealed final quotation (最后报价) into the round's window."""
    user = _me(request)
    back = reverse("bidding:rounds", args=[pk])
    try:
        part = access.access_participation(user=user, pk=part_pk)
        rnd = (
            NegotiationRound.objects.select_related("final_window")
            .filter(pk=round_pk, project_id=part.project_id, project_id__exact=pk)
            .first()
        )
        if rnd is None or rnd.final_window is None:
            raise NotFound("本轮不存在或未要求最后报价")
        back += f"#window-{rnd.final_window_id}"
        result = _submit_into(request, user, part, rnd.final_window, rnd)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"最后报价已密封递交，回执号 {result.receipt.receipt_id}")
    return redirect(back)


# --- bid bonds ------------------------------------------------------------------------------


@login_required
def bonds(request: HttpRequest) -> HttpResponse:
    """保证金管理: the agency's / purchaser's bonds per project (status, refund day, 逾期未退,
    refund, contract signed); a supplier's own bonds; watchers read only."""
    user = _me(request)
    if request.method == "POST":
        return _bond_act(request, user)
    qs = selectors.bonds_visible(user)
    project_pk = request.GET.get("project", "")
    if project_pk.isdigit():
        qs = qs.filter(participation__project_id=int(project_pk))
    today = clock.today()
    rows = selectors.bond_rows(qs, today=today)
    if request.GET.get("overdue") == "1":
        rows = [r for r in rows if r.overdue]
    groups: dict[int, dict[str, Any]] = {}
    for row in rows:
        g = groups.setdefault(row.project.pk, {"project": row.project, "rows": [], "signable": {}})
        g["rows"].append(row)
        g.setdefault("signed_lots", set())
        if row.bond.contract_signed_on is not None:
            g["signed_lots"].add(row.lot.pk)
        # the winner: awarded project, bond held, no refund day yet (the others' refunds
        # were scheduled from the award notice)
        if (
            row.project.status == "awarded"
            and row.bond.status == c.BondStatus.PAID
            and row.bond.contract_signed_on is None
            and row.bond.refund_due is None
        ):
            g["signable"].setdefault(row.lot, []).append(row.supplier)
    for g in groups.values():
        g["signable"] = [
            (lot, sup) for lot, sup in g["signable"].items() if lot.pk not in g["signed_lots"]
        ]
    return render(
        request,
        "bidding/bonds.html",
        {
            "groups": list(groups.values()),
            "today": today,
            "officer": user.role in {Role.AGENCY, Role.PURCHASER},
            "is_supplier": user.role == Role.SUPPLIER,
            "overdue_only": request.GET.get("overdue") == "1",
            "overdue_count": sum(1 for r in rows if r.overdue),
            "project_pk": project_pk,
        },
    )


def _bond_act(request: HttpRequest, user: User) -> HttpResponse:
    op = request.POST.get("op", "")
    back = reverse("bidding:bonds")
    if request.POST.get("project", "").isdigit():
        back += f"?project={request.POST['project']}"
    try:
        if op == "refund":
            bond = access.access_bond(user=user, pk=int(request.POST.get("bond") or 0))
            services.bond_refund(actor=user, bond=bond)
            done = "已退还保证金"
        elif op == "contract":
            bond = access.access_lot_bond(
                user=user,
                lot_id=int(request.POST.get("lot") or 0),
                supplier_id=int(request.POST.get("supplier") or 0),
            )
            try:
                signed_on = dt.date.fromisoformat(request.POST.get("signed_on", ""))
            except ValueError as exc:
                raise InvalidInput("请填写合同签订日", code="date_invalid") from exc
            bond = services.bond_contract_signed(
                actor=user,
                lot=bond.participation.lot,
                supplier=bond.participation.supplier,
                signed_on=signed_on,
            )
            done = f"已登记合同签订日，保证金应于 {bond.refund_due:%Y-%m-%d} 前退还"
        else:
            raise InvalidInput("未知操作")
    except (DomainError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", "参数错误"))
    else:
        messages.success(request, done)
    return redirect(back)
