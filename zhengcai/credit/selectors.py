"""Reads of the credit app. `refusal` is the one credit query every door asks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from zhengcai.core import clock
from zhengcai.credit import constants as c
from zhengcai.credit import rules
from zhengcai.credit.models import Penalty

if TYPE_CHECKING:
    from zhengcai.accounts.models import Organization, User


@dataclass(frozen=True)
class Refusal:
    message: str
    penalty: Penalty

    @property
    def code(self) -> str:
        return c.ERR_BANNED


def bans_in_force(
    *, organization_id: int | None = None, person_id: int | None = None, on: dt.date
) -> list[Penalty]:
    if organization_id is None and person_id is None:
        return []
    who = Q()
    if organization_id is not None:
        who |= Q(organization_id=organization_id)
    if person_id is not None:
        who |= Q(person_id=person_id)
    qs = (
        Penalty.objects.filter(who, status=c.PenaltyStatus.IN_FORCE, effective_from__lte=on)
        .exclude(ban_scope=c.BanScope.NONE)
        .filter(Q(ban_until__isnull=True) | Q(ban_until__gte=on))
        .select_related("authority")
        .order_by("effective_from", "pk")
    )
    return list(qs)


def refusal(
    *,
    activity: str,
    organization: Organization | None = None,
    person: User | None = None,
    on: dt.date | None = None,
) -> Refusal | None:
    """Why `organization` (or the expert `person`) may not do `activity` today, or None.
    法 77 (suppliers), 法 78 (agencies), 条例 75 (experts)."""
    day = on or clock.today()
    for p in bans_in_force(
        organization_id=organization.pk if organization is not None else None,
        person_id=person.pk if person is not None else None,
        on=day,
    ):
        if rules.bans(p.ban_scope, activity) and rules.in_force_on(
            day, effective_from=p.effective_from, ban_until=p.ban_until
        ):
            until = f"至 {p.ban_until:%Y年%m月%d日}" if p.ban_until else "（无期限）"
            return Refusal(
                f"{p.subject_name}被{p.authority.name}{c.BanScope(p.ban_scope).label}{until}"
                f"（{p.decision_no}；{p.basis}），不能{c.Activity(activity).label}",
                p,
            )
    return None


def penalties_visible(qs: QuerySet[Penalty] | None = None) -> QuerySet[Penalty]:
    return (qs if qs is not None else Penalty.objects.all()).select_related(
        "organization", "person", "authority", "authority__region"
    )


def public_penalties() -> QuerySet[Penalty]:
    """Decisions on public display (101号令 2): those in force — a ban or record still running,
    or a warning / fine with no term. Drafts, expired and revoked decisions are not listed."""
    return (
        penalties_visible()
        .filter(status=c.PenaltyStatus.IN_FORCE)
        .order_by("-effective_from", "-pk")
    )


def adverse_records_since(*, organization_id: int, since: dt.date) -> int:
    return Penalty.objects.filter(
        organization_id=organization_id,
        adverse_record=True,
        status__in=[c.PenaltyStatus.IN_FORCE, c.PenaltyStatus.EXPIRED],
        effective_from__gte=since,
    ).count()


def subject_lookup(*, kind: str, text: str) -> tuple[Organization | None, User | None]:
    """The subject a regulator names: an organization by its 统一社会信用代码 or exact name,
    an expert by username."""
    from django.contrib.auth import get_user_model

    from zhengcai.accounts.models import Organization

    text = text.strip()
    if not text:
        return None, None
    if kind == c.SubjectKind.EXPERT:
        return None, get_user_model().objects.filter(username=text, role="expert").first()
    org = (
        Organization.objects.select_related("region")
        .filter(Q(credit_code=text.upper()) | Q(name=text))
        .order_by("pk")
        .first()
    )
    return org, None


def organization_public(pk: int) -> Organization:
    """An organization for the public credit check (name and status are public anyway)."""
    from zhengcai.accounts.models import Organization
    from zhengcai.core.errors import NotFound

    org = Organization.objects.filter(pk=pk).first()
    if org is None:
        raise NotFound("单位不存在")
    return org
