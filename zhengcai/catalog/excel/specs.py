"""The sheets of each kind (fixed headers), the import report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zhengcai.core import http

MAX_ROWS = 20000
XLSX_MIME = http.XLSX_MIME


@dataclass(frozen=True)
class Spec:
    sheet: str
    headers: tuple[str, ...]
    filename: str


SPECS: dict[str, Spec] = {
    "items": Spec("品目分类目录", ("品目编码", "品目名称"), "品目分类目录"),
    "thresholds": Spec(
        "限额标准",
        (
            "区划代码",
            "区划名称",
            "预算单位级次",
            "类别",
            "标准类型",
            "金额（元）",
            "生效日期",
            "失效日期",
            "依据文件",
        ),
        "限额标准",
    ),
    "centralized": Spec(
        "集中采购目录",
        (
            "区划代码",
            "区划名称",
            "年度",
            "品目编码",
            "品目名称",
            "组织形式",
            "起点金额（元）",
            "说明",
        ),
        "集中采购目录",
    ),
    "standards": Spec(
        "资产配置标准",
        (
            "区划代码",
            "区划名称",
            "品目编码",
            "品目名称",
            "单价上限（元）",
            "数量上限",
            "数量计算口径",
            "最低使用年限",
            "生效日期",
            "失效日期",
            "依据文件",
        ),
        "资产配置标准",
    ),
}
KIND_LABELS = {
    "items": "品目分类目录",
    "thresholds": "限额标准",
    "centralized": "集中采购目录",
    "standards": "资产配置标准",
}


@dataclass(frozen=True)
class RowProblem:
    row: int  # spreadsheet row number (1 = header); 0 = the file or sheet as a whole
    column: str
    message: str


@dataclass
class ImportReport:
    kind: str
    problems: list[RowProblem] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "ok": self.ok,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "problems": [
                {"row": p.row, "column": p.column, "message": p.message} for p in self.problems
            ],
        }
