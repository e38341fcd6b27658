"""Reading a year's holiday schedule from the State Council notice (pure functions).

Two file forms are accepted:

* the notice itself as text (国务院办公厅关于YYYY年部分节假日安排的通知), whose items read
  ``二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。
  2月14日（周六）、2月28日（周六）上班。``;
* a table (CSV, or an .xlsx sheet) with the columns ``日期, 类型, 名称`` — 类型 is 放假 or 上班 —
  which is how the notice's table is usually re-keyed.

Both give one `Day` per holiday and per make-up working day (调休上班); every other day of the
year follows Monday–Friday. Nothing here touches the database.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

ITEM = re.compile(r"^\s*[一二三四五六七八九十]+、\s*(?P<name>[^：:]+)[：:]\s*(?P<body>.+)$")
HOLIDAY = re.compile(
    r"(?:(?P<m1>\d{1,2})月)?(?P<d1>\d{1,2})日(?:至(?:(?P<m2>\d{1,2})月)?(?P<d2>\d{1,2})日)?放假"
)
DAY = re.compile(r"(?:(?P<m>\d{1,2})月)?(?P<d>\d{1,2})日")
TITLE_YEAR = re.compile(r"关于\s*(\d{4})\s*年.*节假日安排")
NOTICE_NO = re.compile(r"(国办发明电〔\d{4}〕\d+号)")


class ScheduleError(ValueError):
    """The file cannot be read as a holiday schedule; the message says where and why."""


@dataclass(frozen=True)
class Day:
    date: dt.date
    is_workday: bool
    name: str  # 春节 / 春节调休上班


@dataclass(frozen=True)
class Schedule:
    year: int
    days: tuple[Day, ...]
    notice_no: str = ""
    title: str = ""

    @property
    def holidays(self) -> list[Day]:
        return [d for d in self.days if not d.is_workday]

    @property
    def workdays(self) -> list[Day]:
        return [d for d in self.days if d.is_workday]


def _date(year: int, month: int, day: int, where: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ScheduleError(f"{where}：日期 {year}年{month}月{day}日 不存在") from exc


def parse_notice(text: str, *, year: int | None = None) -> Schedule:
    """Read the notice text. `year` defaults to the one in the title."""
    title = next((ln.strip() for ln in text.splitlines() if "节假日安排" in ln), "")
    m = TITLE_YEAR.search(text)
    if year is None:
        if m is None:
            raise ScheduleError("未能从通知标题中识别年度，请填写年度")
        year = int(m.group(1))
    elif m is not None and int(m.group(1)) != year:
        raise ScheduleError(f"通知标题为 {m.group(1)} 年，与所选年度 {year} 不一致")
    no = NOTICE_NO.search(text)
    days: dict[dt.date, Day] = {}
    items = 0
    for line in text.splitlines():
        item = ITEM.match(line)
        if item is None:
            continue
        name = item.group("name").strip()
        body = re.sub(r"（[^）]*）|\([^)]*\)", "", item.group("body"))
        where = f"「{name}」"
        hol = HOLIDAY.search(body)
        if hol is None:
            continue  # an item that is not a holiday (e.g. closing remarks)
        items += 1
        m1 = int(hol.group("m1") or 0)
        if not m1:
            raise ScheduleError(f"{where}：放假起始日缺少月份")
        first = _date(year, m1, int(hol.group("d1")), where)
        last = first
        if hol.group("d2"):
            m2 = int(hol.group("m2") or m1)
            last_year = year + 1 if m2 < m1 else year
            last = _date(last_year, m2, int(hol.group("d2")), where)
        if last < first or (last - first).days > 15:
            raise ScheduleError(f"{where}：放假区间 {first} 至 {last} 不合理")
        current = first
        while current <= last:
            days[current] = Day(current, False, name)
            current += dt.timedelta(days=1)
        # Make-up working days: the sentences that end in 上班.
        for sentence in re.split(r"[。；;]", body[hol.end() :]):
            if "上班" not in sentence:
                continue
            month = m1
            for dm in DAY.finditer(sentence.split("上班")[0]):
                month = int(dm.group("m") or month)
                work = _date(year, month, int(dm.group("d")), where)
                if work in days and not days[work].is_workday:
                    raise ScheduleError(f"{where}：{work} 既是放假日又是上班日")
                days[work] = Day(work, True, f"{name}调休上班")
    if items == 0:
        raise ScheduleError("没有读到任何放假安排条目（应为「一、元旦：1月1日……放假」的格式）")
    return Schedule(
        year, tuple(sorted(days.values(), key=lambda d: d.date)), no.group(1) if no else "", title
    )


KINDS = {"放假": False, "休息": False, "休": False, "上班": True, "调休上班": True, "班": True}


def parse_table(rows: list[list[str]], *, year: int) -> Schedule:
    """Rows of (日期, 类型, 名称); the first row may be the header."""
    days: dict[dt.date, Day] = {}
    for i, row in enumerate(rows, 1):
        cells = [str(c).strip() if c is not None else "" for c in row]
        if not any(cells):
            continue
        if i == 1 and cells[0] in ("日期", "date"):
            continue
        if len(cells) < 2:
            raise ScheduleError(f"第 {i} 行：应有「日期, 类型, 名称」三列")
        raw = cells[0].replace("/", "-").split(" ")[0]
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError as exc:
            raise ScheduleError(f"第 {i} 行：日期「{cells[0]}」应为 YYYY-MM-DD") from exc
        if day.year != year:
            raise ScheduleError(f"第 {i} 行：{day} 不在 {year} 年")
        kind = cells[1]
        if kind not in KINDS:
            raise ScheduleError(f"第 {i} 行：类型「{kind}」应为 放假 或 上班")
        if day in days:
            raise ScheduleError(f"第 {i} 行：{day} 重复")
        name = cells[2] if len(cells) > 2 else ""
        days[day] = Day(day, KINDS[kind], name or ("调休上班" if KINDS[kind] else "放假"))
    if not any(not d.is_workday for d in days.values()):
        raise ScheduleError("表中没有任何放假日")
    return Schedule(year, tuple(sorted(days.values(), key=lambda d: d.date)))


def parse_file(name: str, content: bytes, *, year: int | None = None) -> Schedule:
    """A notice (.txt), a table (.csv) or a workbook (.xlsx), by the file's extension."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ScheduleError("无法读取该 Excel 文件") from exc
        sheet = wb.worksheets[0]
        rows = [
            [c.isoformat()[:10] if isinstance(c, dt.date) else c for c in r]
            for r in sheet.iter_rows(values_only=True)
        ]
        if year is None:
            raise ScheduleError("导入表格时请填写年度")
        return parse_table(rows, year=year)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise ScheduleError("文件编码无法识别（应为 UTF-8 或 GB18030）") from exc
    if lower.endswith(".csv"):
        if year is None:
            raise ScheduleError("导入表格时请填写年度")
        return parse_table(list(csv.reader(io.StringIO(text))), year=year)
    return parse_notice(text, year=year)
