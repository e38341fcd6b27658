"""The evaluation report (评审报告, 87号令 62; 74号令): HTML from the template, PDF by
WeasyPrint (as the procurement documents), SHA-256 of the PDF. Version 1 is what members sign;
the final version carries every signature and dissent."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.template.loader import render_to_string

from zhengcai.core import clock
from zhengcai.evaluation import constants as c
from zhengcai.evaluation.models import Check, Evaluation, Flag, Report, Score, Signature


def context(ev: Evaluation, *, final: bool = False) -> dict[str, Any]:
    members = list(ev.members.select_related("user", "expert").order_by("position"))
    active = [m for m in members if m.status == c.MemberStatus.ACTIVE]
    bids = list(ev.bids.select_related("supplier").order_by("order", "pk"))
    checks = list(
        Check.objects.filter(reviewed_bid__evaluation=ev).select_related("by", "member__user")
    )
    scores = list(Score.objects.filter(reviewed_bid__evaluation=ev, member__in=active, void=False))
    # 87号令 49: the opinions of a replaced (recused / absent) member are void — listed, marked.
    void_scores = list(
        Score.objects.filter(reviewed_bid__evaluation=ev, void=True)
        .select_related("member__user", "reviewed_bid__supplier")
        .order_by("member__position", "reviewed_bid_id", "factor")
    )
    factors = ev.subjective_factors
    rows = []
    for rb in bids:
        own = [ch for ch in checks if ch.reviewed_bid_id == rb.pk]
        per_member = []
        for m in active:
            vals = {
                s.factor: s.value
                for s in scores
                if s.member_id == m.pk and s.reviewed_bid_id == rb.pk
            }
            per_member.append(
                {
                    "member": m,
                    "values": [vals.get(str(f["name"])) for f in factors],
                    "total": sum(vals.values()) if vals else None,
                }
            )
        rows.append(
            {
                "rb": rb,
                "qualification": [ch for ch in own if ch.stage == c.Stage.QUALIFICATION],
                "compliance": [ch for ch in own if ch.stage == c.Stage.COMPLIANCE],
                "scores": per_member,
            }
        )
    ranked = [rb for rb in bids if rb.valid and rb.order is not None]
    n = int(ev.policy.get("candidates", c.CANDIDATES))
    signatures: list[Signature] = []
    if final:
        base = ev.reports.filter(final=False).order_by("-version").first()
        if base is not None:
            signatures = list(base.signatures.select_related("member__user").order_by("signed_at"))
    return {
        "ev": ev,
        "project": ev.project,
        "lot": ev.lot,
        "members": members,
        "active": active,
        "factors": factors,
        "price_factor": ev.price_factor,
        "rows": rows,
        "ranked": ranked,
        "candidates": ranked[:n],
        "flags": list(
            Flag.objects.filter(evaluation=ev).select_related(
                "reviewed_bid__supplier", "settled_by"
            )
        ),
        "abnormal": [rb for rb in bids if rb.abnormal_low],
        "signatures": signatures,
        "void_scores": void_scores,
        "replaced": [m for m in members if m.status != c.MemberStatus.ACTIVE],
        "consultation": ev.project.method_config.technical_tiebreak,  # 214号 25
        "final": final,
        "generated_at": clock.now().astimezone(clock.SHANGHAI),
        "method_label": ev.get_method_display(),
    }


def render_html(ev: Evaluation, *, final: bool = False) -> str:
    return render_to_string("evaluation/report.html", context(ev, final=final))


def render(ev: Evaluation, *, final: bool = False) -> Report:
    """Render, store and return a new version of the report (inside the caller's
    transaction: the service audits it)."""
    from zhengcai.core.pdf import render_pdf

    html = render_html(ev, final=final)
    pdf = render_pdf(html)
    version = (ev.reports.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    rep = Report(
        evaluation=ev,
        version=version,
        final=final,
        html=html,
        sha256=hashlib.sha256(pdf).hexdigest(),
        generated_at=clock.now(),
    )
    rep.pdf.save(
        f"{ev.project.project_no}-lot{ev.lot.number}-v{version}.pdf", ContentFile(pdf), save=False
    )
    rep.save()
    return rep
