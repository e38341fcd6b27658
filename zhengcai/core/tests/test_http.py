"""Downloads name their file for every browser (core.http.attachment, RFC 6266)."""

from __future__ import annotations

from urllib.parse import unquote

from zhengcai.core.http import XLSX_MIME, attachment, content_disposition


def test_an_ascii_name_is_sent_as_is() -> None:
    assert content_disposition("ZC-2026-0001.pdf") == 'attachment; filename="ZC-2026-0001.pdf"'


def test_a_chinese_name_gets_an_ascii_fallback_and_the_utf8_name() -> None:
    header = content_disposition("集中采购目录2026.xlsx")
    fallback, star = header.removeprefix("attachment; ").split("; ")
    assert fallback == 'filename="2026.xlsx"'
    assert star.startswith("filename*=UTF-8''")
    assert unquote(star.removeprefix("filename*=UTF-8''")) == "集中采购目录2026.xlsx"


def test_a_name_without_ascii_letters_still_has_a_fallback() -> None:
    assert content_disposition("目录").startswith('attachment; filename="download"; filename*=')


def test_quotes_and_separators_cannot_break_the_header() -> None:
    header = content_disposition('a"b;c\r\n.xlsx')
    assert "\r" not in header and "\n" not in header
    assert header.split("; ")[1] == 'filename="a_b_c_.xlsx"'


def test_attachment_serves_bytes_and_text() -> None:
    r = attachment(b"PK\x03\x04", "x.xlsx", XLSX_MIME)
    assert r["Content-Type"] == XLSX_MIME and r.content == b"PK\x03\x04"
    assert attachment("{}", "r.json", "application/json").content == b"{}"
