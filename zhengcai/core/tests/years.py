"""Enter and confirm the fictional 2027 schedule of `data/notice-2027-test.txt` through the core
services (import by one person, confirmation by another: four eyes), for the tests of every app
that show a 暂定 deadline recomputed. In it 1–3 January 2027 are holidays."""

from __future__ import annotations

from pathlib import Path

from zhengcai.accounts.models import User
from zhengcai.core import deadlines, services

NOTICE_2027 = (Path(__file__).parent / "data" / "notice-2027-test.txt").read_bytes()


def confirm_2027(*, importer: User, confirmer: User) -> list[deadlines.Moved]:
    services.calendar_year_import(actor=importer, name="notice-2027.txt", content=NOTICE_2027)
    _, moved = services.calendar_year_confirm(actor=confirmer, year=2027)
    return moved
