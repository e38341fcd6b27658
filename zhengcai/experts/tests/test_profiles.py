"""The expert database: registration, review, status history, access, bulk import."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import Workbook

from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import User
from zhengcai.accounts.tests.factories import user
from zhengcai.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, RuleViolation
from zhengcai.core.models import AuditEntry
from zhengcai.experts import access, imports, services
from zhengcai.experts.constants import ExpertStatus
from zhengcai.experts.models import ExpertProfile, ExpertStatusChange
from zhengcai.experts.tests.factories import ExpertWorld, expert, id_number


def test_register_then_review(w: ExpertWorld, clock: Any) -> None:
    u = user(None, role=Role.EXPERT)
    number = id_number(dt.date(1980, 2, 29))
    p = services.expert_register(
        actor=w.users["reg_hz"],
        user=u,
        id_number=number,
        region=w.regions["hz"],
        certificate_no="HZ-0001",
        specialties=["a0201", "A0201", "C01"],
        title="工程师",
        title_level="intermediate",
        years_in_field=5,
    )
    assert p.status == ExpertStatus.PENDING
    assert p.birth_date == dt.date(1980, 2, 29)
    assert sorted(p.specialties.values_list("code", flat=True)) == ["A0201", "C01"]
    assert number not in str(AuditEntry.objects.filter(action="expert.registered").last().after)
    with pytest.raises(RuleViolation):  # 198号 6: intermediate title needs 8 years
        services.expert_set_status(
            actor=w.users["reg_hz"], profile=p, status=ExpertStatus.ACTIVE, reason="审核"
        )
    p = services.expert_update(actor=w.users["reg_hz"], profile=p, years_in_field=9)
    p = services.expert_set_status(
        actor=w.users["reg_hz"], profile=p, status=ExpertStatus.ACTIVE, reason="审核通过"
    )
    assert p.status == ExpertStatus.ACTIVE
    with pytest.raises(Conflict):
        services.expert_register(
            actor=None,
            user=user(None, role=Role.EXPERT),
            id_number=number,
            region=w.regions["hz"],
            certificate_no="HZ-0002",
            specialties=["A02"],
        )


def test_registration_refuses_bad_input(w: ExpertWorld) -> None:
    u = user(None, role=Role.EXPERT)
    base = {"actor": None, "user": u, "region": w.regions["hz"], "certificate_no": "X-1"}
    with pytest.raises(InvalidInput):
        services.expert_register(**base, id_number="330106198001011230", specialties=["A02"])
    with pytest.raises(InvalidInput):
        services.expert_register(**base, id_number=id_number(), specialties=["A2"])
    with pytest.raises(InvalidInput):
        services.expert_register(**base, id_number=id_number(), specialties=[])
    with pytest.raises(InvalidInput):
        services.expert_register(
            **{**base, "user": w.users["pur"]}, id_number=id_number(), specialties=["A02"]
        )


def test_status_transitions_and_history(w: ExpertWorld, clock: Any) -> None:
    p = expert(w.regions["hz"])
    reg = w.users["reg_hz"]
    p = services.expert_set_status(actor=reg, profile=p, status="suspended", reason="迟到两次")
    p = services.expert_set_status(actor=reg, profile=p, status="active", reason="暂停期满")
    p = services.expert_set_status(actor=reg, profile=p, status="banned", reason="条例 75")
    with pytest.raises(Conflict):
        services.expert_set_status(actor=reg, profile=p, status="active", reason="申诉")
    with pytest.raises(InvalidInput):
        services.expert_set_status(actor=reg, profile=p, status="retired", reason=" ")
    history = list(
        ExpertStatusChange.objects.filter(profile=p)
        .order_by("at", "pk")
        .values_list("from_status", "to_status")
    )
    assert history[-3:] == [("active", "suspended"), ("suspended", "active"), ("active", "banned")]
    assert AuditEntry.objects.filter(
        action="expert.status_changed", object_id=str(p.pk)
    ).count() == len(history)


def test_access_to_profiles(w: ExpertWorld) -> None:
    hz_expert, nb_expert = w.clean[0], w.nb[0]
    assert access.access_profile(user=w.users["reg_hz"], pk=hz_expert.pk, action="manage")
    assert access.access_profile(user=w.users["reg_prov"], pk=nb_expert.pk, action="manage")
    assert access.access_profile(user=w.users["supv_hz"], pk=hz_expert.pk)
    with pytest.raises(PermissionDenied):
        access.access_profile(user=w.users["supv_hz"], pk=hz_expert.pk, action="manage")
    for key in ("agc", "pur", "spl"):
        with pytest.raises(NotFound):
            access.access_profile(user=w.users[key], pk=hz_expert.pk)
    with pytest.raises(NotFound):
        access.access_profile(user=w.users["reg_hz"], pk=nb_expert.pk)
    with pytest.raises(NotFound):
        access.access_profile(user=hz_expert.user, pk=w.clean[1].pk)
    assert access.own_profile(hz_expert.user) == hz_expert
    with pytest.raises(PermissionDenied):
        access.own_profile(w.users["agc"])


# --- Excel import --------------------------------------------------------------------------------


def workbook(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append([label for _, label in imports.COLUMNS])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def row(username: str, **kw: Any) -> list[Any]:
    values = {
        "username": username,
        "name": "王专家",
        "id_number": id_number(),
        "phone": "13900000000",
        "employer_name": "浙江工业大学",
        "employer_code": "",
        "title": "教授",
        "title_level": "正高级",
        "years": 20,
        "specialties": "A0201，C01",
        "region_code": "330100",
        "certificate_no": f"IMP-{username}",
        "certificate_expires": dt.date(2028, 6, 30),
        "training": "考核合格",
    }
    values.update(kw)
    return [values[k] for k, _ in imports.COLUMNS]


def test_import_all_good_rows(w: ExpertWorld, clock: Any) -> None:
    data = workbook([row("imp1"), row("imp2", employer_code=w.orgs["pur_hz"].credit_code)])
    result = imports.expert_import_xlsx(actor=w.users["reg_hz"], data=data)
    assert result.ok and result.created == 2
    p = ExpertProfile.objects.get(user__username="imp2")
    assert p.status == ExpertStatus.ACTIVE
    assert p.user.organization == w.orgs["pur_hz"]
    assert not p.user.has_usable_password()
    assert sorted(p.specialties.values_list("code", flat=True)) == ["A0201", "C01"]


def test_import_reports_every_bad_row_and_imports_nothing(w: ExpertWorld, clock: Any) -> None:
    before = User.objects.count()
    dup_id = id_number()
    data = workbook(
        [
            row("ok1"),
            row("bad1", id_number="330106198001011230"),  # wrong check digit
            row("bad2", specialties="X99", region_code="999999"),
            row("bad3", title_level="中级", years=3, id_number=dup_id),
            row("bad4", id_number=dup_id, certificate_expires="明年"),
            row(w.users["agc"].username),  # username taken
            row("bad6", region_code="330200"),  # outside the importer's region
            row("bad7", name="", training="优秀"),
        ]
    )
    result = imports.expert_import_xlsx(actor=w.users["reg_hz"], data=data)
    assert not result.ok and result.created == 0
    rows_with_errors = {e.row for e in result.errors}
    assert rows_with_errors == {3, 4, 5, 6, 7, 8, 9}
    messages = {(e.row, e.column) for e in result.errors}
    assert (3, "身份证号码") in messages
    assert (4, "评审专业") in messages and (4, "区划代码") in messages
    assert (5, "职称级别") in messages
    assert (6, "身份证号码") in messages and (6, "专家证有效期至") in messages
    assert (7, "用户名") in messages
    assert (8, "区划代码") in messages
    assert (9, "姓名") in messages and (9, "培训考核") in messages
    assert User.objects.count() == before


def test_import_refuses_other_roles_and_bad_files(w: ExpertWorld) -> None:
    with pytest.raises(PermissionDenied):
        imports.expert_import_xlsx(actor=w.users["agc"], data=workbook([row("x")]))
    with pytest.raises(InvalidInput):
        imports.expert_import_xlsx(actor=w.users["reg_hz"], data=b"not a workbook")
    wb = Workbook()
    wb.active.append(["姓名"])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(InvalidInput) as exc:
        imports.expert_import_xlsx(actor=w.users["reg_hz"], data=buf.getvalue())
    assert "缺少列" in exc.value.message


def test_import_template_round_trips(w: ExpertWorld, clock: Any) -> None:
    rows = imports.read_rows(imports.template_xlsx())
    assert len(rows) == 1 and rows[0]["name"] == "张三"
