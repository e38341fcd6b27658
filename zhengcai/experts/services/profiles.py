"""Writes of the expert database: registration, the one status door, edits, unavailability,
conflicts of interest and pool sharing (198号; 条例 9, 39, 75)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import Organization, Region, User
from zhengcai.core import clock, transitions
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from zhengcai.experts import constants as c
from zhengcai.experts import rules
from zhengcai.experts.models import (
    ExpertConflict,
    ExpertProfile,
    ExpertSpecialty,
    ExpertStatusChange,
    ExpertUnavailability,
    PoolShare,
)

# The one door for an expert's status (198号 10, 29; 条例 75): core.transitions.
EXPERT = transitions.register(
    transitions.Machine(
        ExpertProfile,
        c.EXPERT_TRANSITIONS,
        what="专家",
        action="expert",
        labels=c.ExpertStatus,
        error_code=c.ERR_BAD_TRANSITION,
    )
)

# A region's consent to share its experts with another: granted, revoked, granted again.
SHARE = transitions.register(
    transitions.Machine(
        PoolShare,
        c.SHARE_TRANSITIONS,
        what="专家库共享",
        action="expert_pool",
        labels=c.ShareStatus,
    )
)

# --- profiles ------------------------------------------------------------------------------------


def clean_specialties(codes: list[str]) -> list[str]:
    cleaned = sorted({code.strip().upper() for code in codes if code.strip()})
    if not cleaned:
        raise InvalidInput("请至少填写一个评审专业（品目编码）", code=c.ERR_SPECIALTY)
    for code in cleaned:
        problem = rules.specialty_code_problem(code)
        if problem:
            raise InvalidInput(problem, code=c.ERR_SPECIALTY, detail={"code": code})
    return cleaned


def _profile_summary(p: ExpertProfile) -> dict[str, Any]:
    return {
        "id_number": p.id_number_masked,
        "region": p.region.code,
        "title": p.title,
        "title_level": p.title_level,
        "certificate_no": p.certificate_no,
        "certificate_expires": p.certificate_expires,
        "appointment_ends": p.appointment_ends,
        "training_status": p.training_status,
        "status": p.status,
    }


@transaction.atomic
def expert_register(
    *,
    actor: User | None,
    user: User,
    id_number: str,
    region: Region,
    certificate_no: str,
    specialties: list[str],
    employer_name: str = "",
    title: str = "",
    title_level: str = c.TitleLevel.OTHER,
    years_in_field: int = 0,
    certificate_expires: dt.date | None = None,
    training_status: str = c.TrainingStatus.NONE,
    appointment_ends: dt.date | None = None,
) -> ExpertProfile:
    """Register an expert (status 待审核); a regulator approves with `expert_set_status`."""
    if user.role != Role.EXPERT:
        raise InvalidInput("只能为角色为「评审专家」的用户建立专家档案", code="role_invalid")
    id_number = id_number.strip().upper()
    problem = rules.id_number_problem(id_number)
    if problem:
        raise InvalidInput(problem, code=c.ERR_ID_NUMBER, detail={"field": "id_number"})
    if ExpertProfile.objects.filter(user=user).exists():
        raise Conflict("该用户已有专家档案", code=c.ERR_DUPLICATE, detail={"field": "user"})
    if ExpertProfile.objects.filter(id_number=id_number).exists():
        raise Conflict("该身份证号码已登记", code=c.ERR_DUPLICATE, detail={"field": "id_number"})
    if ExpertProfile.objects.filter(certificate_no=certificate_no.strip()).exists():
        raise Conflict("专家证编号已存在", code=c.ERR_DUPLICATE, detail={"field": "certificate_no"})
    if title_level not in c.TitleLevel.values or training_status not in c.TrainingStatus.values:
        raise InvalidInput("职称级别或培训状态无效")
    codes = clean_specialties(specialties)
    now = clock.now()
    profile = ExpertProfile.objects.create(
        user=user,
        id_number=id_number,
        birth_date=rules.birth_date_from_id(id_number),
        employer_name=employer_name.strip()
        or (user.organization.name if user.organization else ""),
        title=title.strip(),
        title_level=title_level,
        years_in_field=years_in_field,
        region=region,
        certificate_no=certificate_no.strip(),
        certificate_expires=certificate_expires,
        appointment_ends=appointment_ends,
        training_status=training_status,
        status=c.ExpertStatus.PENDING,
        created_at=now,
        updated_at=now,
    )
    ExpertSpecialty.objects.bulk_create([ExpertSpecialty(profile=profile, code=x) for x in codes])
    audit_record(
        actor=actor,
        action="expert.registered",
        obj=profile,
        organization=None,
        after={**_profile_summary(profile), "specialties": codes},
        object_label=user.get_full_name(),
    )
    return profile


def _lapse(p: ExpertProfile) -> str | None:
    return rules.standing_lapse(
        certificate_expires=p.certificate_expires,
        appointment_ends=p.appointment_ends,
        on=clock.today(),
    )


def _standing_check_at(p: ExpertProfile, status: str | None = None) -> dt.datetime | None:
    """When the timed check must look at an active (or suspended) expert again: 00:00 of the
    day the certificate or appointment lapses; now when it already has (198号 10)."""
    if (status or p.status) not in (c.ExpertStatus.ACTIVE, c.ExpertStatus.SUSPENDED):
        return None
    day = rules.standing_lapses_on(
        certificate_expires=p.certificate_expires, appointment_ends=p.appointment_ends
    )
    if day is None:
        return None
    return max(dt.datetime.combine(day, dt.time.min, tzinfo=clock.SHANGHAI), clock.now())


def expert_standing_check(obj: Any) -> None:
    """Timed handler (core.timed): on the day the certificate or the appointment lapses the
    expert stops being active — through the status door, audited, no actor (198号 10)."""
    assert isinstance(obj, ExpertProfile)
    profile = obj
    lapse = _lapse(profile)
    if lapse and profile.status in (c.ExpertStatus.ACTIVE, c.ExpertStatus.SUSPENDED):
        expert_set_status(actor=None, profile=profile, status=c.ExpertStatus.EXPIRED, reason=lapse)
        profile.refresh_from_db(fields=["status", "status_reason", "version", "next_check"])
        return
    profile.next_check = _standing_check_at(profile)
    if profile.next_check is not None and profile.next_check <= clock.now():
        profile.next_check = None  # lapsed but not active: nothing more to do
    profile.save(update_fields=["next_check"])


@transaction.atomic
def expert_set_status(
    *, actor: User | None, profile: ExpertProfile, status: str, reason: str
) -> ExpertProfile:
    """The one door for an expert's status (198号 10, 29; 条例 75). Approval checks 198号 6."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("请填写状态变更原因", code="reason_required")
    locked = ExpertProfile.objects.select_for_update().select_related("region").get(pk=profile.pk)
    EXPERT.check(locked, status)
    if status == c.ExpertStatus.ACTIVE and locked.status == c.ExpertStatus.PENDING:
        problems = rules.registration_problems(
            title_level=locked.title_level,
            years_in_field=locked.years_in_field,
            birth_date=locked.birth_date,
            today=clock.today(),
            max_age=int(c.policy("MAX_AGE")),
        )
        if problems:
            raise RuleViolation("；".join(problems), code="expert_ineligible", detail=problems)
    lapse = _lapse(locked)
    if status == c.ExpertStatus.ACTIVE and locked.status == c.ExpertStatus.EXPIRED and lapse:
        raise RuleViolation(f"{lapse}，请先更新专家证或聘期", code=c.ERR_STANDING)
    before = locked.status
    locked = EXPERT.move(
        locked,
        to=status,
        actor=actor,
        reason=reason,
        action="expert.status_changed",
        object_label=locked.user.get_full_name(),
        status_reason=reason[:500],
        next_check=_standing_check_at(locked, status),
    )
    ExpertStatusChange.objects.create(
        profile=locked,
        from_status=before,
        to_status=status,
        reason=reason[:500],
        actor=actor,
        at=locked.updated_at,
    )
    return locked


@transaction.atomic
def expert_update(
    *,
    actor: User,
    profile: ExpertProfile,
    expected_version: int | None = None,
    specialties: list[str] | None = None,
    **changes: Any,
) -> ExpertProfile:
    """Edit a profile's details (not its status). Allowed keys below."""
    allowed = {
        "employer_name",
        "title",
        "title_level",
        "years_in_field",
        "certificate_no",
        "certificate_expires",
        "appointment_ends",
        "training_status",
        "region",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(f"不能修改：{', '.join(sorted(unknown))}", code="unknown_field")
    locked = ExpertProfile.objects.select_for_update().select_related("region").get(pk=profile.pk)
    if expected_version is not None and expected_version != locked.version:
        from zhengcai.core.errors import PreconditionFailed

        raise PreconditionFailed(detail={"version": locked.version})
    before = _profile_summary(locked)
    for key, value in changes.items():
        setattr(locked, key, value.strip() if isinstance(value, str) else value)
    after: dict[str, Any] = _profile_summary(locked)
    if specialties is not None:
        codes = clean_specialties(specialties)
        before["specialties"] = list(locked.specialties.values_list("code", flat=True))
        locked.specialties.all().delete()
        ExpertSpecialty.objects.bulk_create(
            [ExpertSpecialty(profile=locked, code=x) for x in codes]
        )
        after["specialties"] = codes
    locked.version += 1
    locked.updated_at = clock.now()
    locked.next_check = _standing_check_at(locked)
    locked.save()
    audit_record(
        actor=actor,
        action="expert.updated",
        obj=locked,
        organization=actor.acting_organization,
        before=before,
        after=after,
        object_label=locked.user.get_full_name(),
    )
    return locked


@transaction.atomic
def unavailability_add(
    *, actor: User, profile: ExpertProfile, start: dt.date, end: dt.date, reason: str = ""
) -> ExpertUnavailability:
    if end < start:
        raise InvalidInput("结束日期不能早于开始日期", code="date_range_invalid")
    row = ExpertUnavailability.objects.create(
        profile=profile, start=start, end=end, reason=reason.strip()[:200]
    )
    audit_record(
        actor=actor,
        action="expert.unavailability_added",
        obj=profile,
        after={"start": start, "end": end, "reason": row.reason},
        object_label=profile.user.get_full_name(),
    )
    return row


@transaction.atomic
def unavailability_remove(*, actor: User, row: ExpertUnavailability) -> None:
    profile = row.profile
    audit_record(
        actor=actor,
        action="expert.unavailability_removed",
        obj=profile,
        before={"start": row.start, "end": row.end},
        object_label=profile.user.get_full_name(),
    )
    row.delete()


@transaction.atomic
def conflict_add(
    *,
    actor: User,
    profile: ExpertProfile,
    organization: Organization,
    kind: str,
    until: dt.date | None = None,
    note: str = "",
) -> ExpertConflict:
    """Record a relationship requiring recusal (条例 9): declared by the expert (198号 16) or
    recorded by the regulator."""
    if kind not in c.ConflictKind.values:
        raise InvalidInput("关系类型无效", code="conflict_kind_invalid")
    row = ExpertConflict.objects.create(
        profile=profile,
        organization=organization,
        kind=kind,
        until=until,
        note=note.strip()[:200],
        recorded_by=actor,
        created_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="expert.conflict_recorded",
        obj=profile,
        after={"organization": organization.pk, "kind": kind, "until": until},
        object_label=profile.user.get_full_name(),
    )
    return row


@transaction.atomic
def pool_share_set(
    *, actor: User, owner_region: Region, grantee_region: Region, active: bool
) -> PoolShare:
    """The owner region (its regulator, i.e. the owner's consent) lets the grantee draw from
    its experts, or withdraws that consent."""
    if actor.role != Role.ADMIN:
        if actor.role != Role.REGULATOR or actor.region is None:
            raise PermissionDenied("只有专家库所属地的财政部门可以共享专家库")
        if actor.region.pk != owner_region.pk:
            raise PermissionDenied("只有专家库所属地的财政部门可以同意共享")
    if owner_region.pk == grantee_region.pk:
        raise InvalidInput("不能与本地区共享", code="share_self")
    now = clock.now()
    status = c.ShareStatus.ACTIVE if active else c.ShareStatus.REVOKED
    share, created = PoolShare.objects.select_for_update().get_or_create(
        owner_region=owner_region,
        grantee_region=grantee_region,
        defaults={  # a new row is born in the status asked for
            "status": status,
            "granted_by": actor,
            "granted_at": now,
            "revoked_at": None if active else now,
        },
    )
    action = "expert_pool.shared" if active else "expert_pool.share_revoked"
    label = f"{owner_region.name} → {grantee_region.name}"
    regions = {"owner": owner_region.code, "grantee": grantee_region.code}
    if created:
        audit_record(actor=actor, action=action, obj=share, after=regions, object_label=label)
        return share
    if share.status == status:
        return share
    changes: dict[str, Any] = (
        {"granted_by": actor, "granted_at": now, "revoked_at": None}
        if active
        else {"revoked_at": now}
    )
    return SHARE.move(
        share, to=status, actor=actor, action=action, audit=regions, object_label=label, **changes
    )
