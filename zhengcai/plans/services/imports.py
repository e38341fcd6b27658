"""Excel import of budget lines (every row checked like a line entered by hand)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction

from zhengcai.accounts.models import Organization, User
from zhengcai.core.audit import audit_record
from zhengcai.plans import excel
from zhengcai.plans.models import BudgetLine
from zhengcai.plans.services.base import require_editor
from zhengcai.plans.services.budgets import new_line, validate_budget_line


@dataclass
class ImportResult:
    created: list[BudgetLine]
    problems: list[excel.ImportProblem]
    rows: int

    @property
    def ok(self) -> bool:
        return not self.problems


def budget_lines_import(
    *, actor: User, organization: Organization, fileobj: IO[bytes]
) -> ImportResult:
    """Import budget lines from the template: every row is checked like a line entered by hand
    (unknown 品目, bad amounts, duplicates within the file or with lines already entered,
    organization form, configuration standards); one bad row and nothing is imported."""
    require_editor(actor, organization.pk)
    rows, problems = excel.read_budget_rows(fileobj)
    cleaned: list[dict[str, Any]] = []
    seen: dict[tuple[Any, ...], int] = {}
    for number, row in rows:
        clean, row_problems, config_problems = validate_budget_line(
            organization=organization, data=row
        )
        for p in row_problems:
            problems.append(
                excel.ImportProblem(number, excel.COLUMN_OF.get(p.field, ""), p.field, p.message)
            )
        for text in config_problems:
            problems.append(
                excel.ImportProblem(
                    number,
                    excel.COLUMN_OF["amount"],
                    "amount",
                    text + "（超标准的预算请逐条录入并申请例外）",
                )
            )
        key = (
            clean.get("fiscal_year"),
            clean.get("project_code"),
            clean.get("item_code"),
            clean.get("description"),
        )
        if None not in key:
            if key in seen:
                problems.append(
                    excel.ImportProblem(
                        number, "", "", f"与第 {seen[key]} 行重复（预算项目、品目与采购内容相同）"
                    )
                )
            else:
                seen[key] = number
        cleaned.append(clean)
    problems.sort(key=lambda p: (p.row, p.column))
    if problems:
        return ImportResult(created=[], problems=problems, rows=len(rows))
    with transaction.atomic():
        created = [
            new_line(
                actor=actor, organization=organization, clean=clean, action="budget_line.imported"
            )
            for clean in cleaned
        ]
        audit_record(
            actor=actor,
            action="budget_line.import_finished",
            organization=organization,
            after={"rows": len(created), "ids": [line.pk for line in created]},
        )
    return ImportResult(created=created, problems=[], rows=len(rows))
