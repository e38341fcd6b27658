"""Bulk import of experts from an Excel workbook (openpyxl).

All or nothing: every row is checked first and every problem reported with its row and
column; if there is any, nothing is imported. Otherwise accounts and profiles are created in
one transaction (each profile through `services.expert_register`, so each is audited).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from openpyxl import Workbook, load_workbook

from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import Organization, Region, User
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import InvalidInput, PermissionDenied
from zhengcai.experts import constants as c
from zhengcai.experts import rules, services
from zhengcai.experts.models import ExpertProfile

COLUMNS = [
    ("username", "用户名"),
    ("name", "姓名"),
    ("id_number", "身份证号码"),
    ("phone", "手机"),
    ("employer_name", "工作单位"),
    ("employer_code", "工作单位统一社会信用代码"),
    ("title", "职称"),
    ("title_level", "职称级别"),
    ("years", "从业年限"),
    ("specialties", "评审专业"),
    ("region_code", "区划代码"),
    ("certificate_no", "专家证编号"),
    ("certificate_expires", "专家证有效期至"),
    ("training", "培训考核"),
]
REQUIRED = {"username", "name", "id_number", "phone", "specialties", "region_code"}
REQUIRED |= {"certificate_no", "title_level"}
MAX_ROWS = 5000
TITLE_LEVELS = {str(label): value for value, label in c.TitleLevel.choices}
TRAINING = {str(label): value for value, label in c.TrainingStatus.choices}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def template_xlsx() -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "专家"
    ws.append([label for _, label in COLUMNS])
    ws.append(
        [
            "expert_demo",
            "张三",
            "33010619800101123" + rules.id_check_char("33010619800101123"),
            "13800000000",
            "浙江大学",
            "",
            "教授",
            "正高级",
            20,
            "A0201,C0101",
            "330100",
            "ZJ-2026-0001",
            dt.date(2028, 12, 31),
            "考核合格",
        ]
    )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(_text(value))


def read_rows(data: bytes) -> list[dict[str, Any]]:
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise InvalidInput("无法读取 Excel 文件（请使用 .xlsx 格式）", code=c.ERR_IMPORT) from exc
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [_text(h) for h in next(rows, ())]
    by_label = {label: key for key, label in COLUMNS}
    missing = [label for key, label in COLUMNS if key in REQUIRED and label not in header]
    if missing:
        raise InvalidInput(
            f"缺少列：{'、'.join(missing)}", code=c.ERR_IMPORT, detail={"missing": missing}
        )
    out: list[dict[str, Any]] = []
    for n, raw in enumerate(rows, start=2):
        if raw is None or all(v in (None, "") for v in raw):
            continue
        row: dict[str, Any] = {"_row": n}
        for label, value in zip(header, raw, strict=False):
            if label in by_label:
                row[by_label[label]] = value
        out.append(row)
        if len(out) > MAX_ROWS:
            raise InvalidInput(f"一次最多导入 {MAX_ROWS} 行", code=c.ERR_IMPORT)
    wb.close()
    return out


def _check(rows: list[dict[str, Any]], actor: User) -> tuple[list[RowError], list[dict[str, Any]]]:
    errors: list[RowError] = []
    clean: list[dict[str, Any]] = []
    regions = {r.code: r for r in Region.objects.all()}
    seen: dict[str, dict[str, int]] = {"username": {}, "id_number": {}, "certificate_no": {}}
    labels = dict(COLUMNS)
    for row in rows:
        n = row["_row"]

        def err(key: str, message: str, n: int = n) -> None:
            errors.append(RowError(n, labels.get(key, key), message))

        v = {key: _text(row.get(key)) for key, _ in COLUMNS}
        for key in REQUIRED:
            if not v[key]:
                err(key, "必填")
        item: dict[str, Any] = {"row": n, **v}
        if v["id_number"]:
            v["id_number"] = item["id_number"] = v["id_number"].upper()
            problem = rules.id_number_problem(v["id_number"])
            if problem:
                err("id_number", problem)
        codes = [x.strip().upper() for x in v["specialties"].replace("，", ",").split(",")]
        item["codes"] = [x for x in codes if x]
        for code in item["codes"]:
            problem = rules.specialty_code_problem(code)
            if problem:
                err("specialties", problem)
        region = regions.get(v["region_code"])
        if v["region_code"] and region is None:
            err("region_code", f"区划代码 {v['region_code']} 不存在")
        elif (
            region is not None
            and actor.role != Role.ADMIN
            and (actor.region is None or not actor.region.contains(region))
        ):
            err("region_code", "只能导入本地区（及下级）的专家")
        item["region"] = region
        if v["title_level"] and v["title_level"] not in TITLE_LEVELS:
            err("title_level", f"应为：{'、'.join(TITLE_LEVELS)}")
        item["title_level"] = TITLE_LEVELS.get(v["title_level"], c.TitleLevel.OTHER)
        training = v["training"] or str(c.TrainingStatus.NONE.label)
        if training not in TRAINING:
            err("training", f"应为：{'、'.join(TRAINING)}")
        item["training"] = TRAINING.get(training, c.TrainingStatus.NONE)
        try:
            item["years"] = int(v["years"] or 0)
            if item["years"] < 0:
                raise ValueError
        except ValueError:
            err("years", "应为非负整数")
        try:
            item["certificate_expires"] = _date(row.get("certificate_expires"))
        except ValueError:
            err("certificate_expires", "日期格式应为 YYYY-MM-DD")
        item["employer"] = None
        if v["employer_code"]:
            item["employer"] = Organization.objects.filter(credit_code=v["employer_code"]).first()
            if item["employer"] is None:
                err("employer_code", "平台上没有该统一社会信用代码的单位")
        if v["id_number"] and not errors_for(errors, n, "身份证号码"):
            problems = rules.registration_problems(
                title_level=item["title_level"],
                years_in_field=item.get("years", 0) or 0,
                birth_date=rules.birth_date_from_id(v["id_number"]),
                today=clock.today(),
                max_age=int(c.policy("MAX_AGE")),
            )
            for p in problems:
                err("title_level", p)
        for key in ("username", "id_number", "certificate_no"):
            if v[key]:
                first = seen[key].setdefault(v[key], n)
                if first != n:
                    err(key, f"与第 {first} 行重复")
        clean.append(item)
    # Against the database, in three queries.
    taken_users = set(
        User.objects.filter(username__in=[i["username"] for i in clean]).values_list(
            "username", flat=True
        )
    )
    taken_ids = set(
        ExpertProfile.objects.filter(id_number__in=[i["id_number"] for i in clean]).values_list(
            "id_number", flat=True
        )
    )
    taken_certs = set(
        ExpertProfile.objects.filter(
            certificate_no__in=[i["certificate_no"] for i in clean]
        ).values_list("certificate_no", flat=True)
    )
    for i in clean:
        if i["username"] in taken_users:
            errors.append(RowError(i["row"], "用户名", "用户名已被使用"))
        if i["id_number"] in taken_ids:
            errors.append(RowError(i["row"], "身份证号码", "该身份证号码已登记"))
        if i["certificate_no"] in taken_certs:
            errors.append(RowError(i["row"], "专家证编号", "专家证编号已存在"))
    errors.sort(key=lambda e: (e.row, e.column))
    return errors, clean


def errors_for(errors: list[RowError], row: int, column: str) -> bool:
    return any(e.row == row and e.column == column for e in errors)


def expert_import_xlsx(*, actor: User, data: bytes, activate: bool = True) -> ImportResult:
    """Import every row or none. `activate`: the importing regulator has reviewed them."""
    if actor.role not in (Role.ADMIN, Role.REGULATOR):
        raise PermissionDenied("只有财政部门可以批量导入专家")
    rows = read_rows(data)
    if not rows:
        raise InvalidInput("文件中没有数据行", code=c.ERR_IMPORT)
    errors, clean = _check(rows, actor)
    if errors:
        return ImportResult(errors=errors)
    with transaction.atomic():
        users = []
        for i in clean:
            u = User(
                username=i["username"],
                display_name=i["name"],
                role=Role.EXPERT,
                organization=i["employer"],
                phone=i["phone"],
            )
            u.set_unusable_password()  # the expert sets one through password reset
            users.append(u)
        User.objects.bulk_create(users)
        by_name = {
            u.username: u for u in User.objects.filter(username__in=[i["username"] for i in clean])
        }
        audit_record(
            actor=actor,
            action="expert.imported",
            after={"rows": len(clean), "usernames": sorted(by_name)},
        )
        for i in clean:
            profile = services.expert_register(
                actor=actor,
                user=by_name[i["username"]],
                id_number=i["id_number"],
                region=i["region"],
                certificate_no=i["certificate_no"],
                specialties=i["codes"],
                employer_name=i["employer_name"],
                title=i["title"],
                title_level=i["title_level"],
                years_in_field=i["years"],
                certificate_expires=i["certificate_expires"],
                training_status=i["training"],
            )
            if activate:
                services.expert_set_status(
                    actor=actor,
                    profile=profile,
                    status=c.ExpertStatus.ACTIVE,
                    reason="批量导入，审核通过",
                )
    return ImportResult(created=len(clean))
