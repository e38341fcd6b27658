"""Document metadata for bid-rigging evidence (87号令 37; redflags.md §5): author, creator
software and times from PDF Info dictionaries (a small regex parser) and DOCX docProps."""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

_PDF_KEYS = {
    b"Author": "author",
    b"Creator": "creator",
    b"Producer": "producer",
    b"CreationDate": "created",
    b"ModDate": "modified",
}
_PDF_FIELD = re.compile(rb"/(Author|Creator|Producer|CreationDate|ModDate)\s*\(((?:\\.|[^\\)])*)\)")
# _XML: expat ≥ 2.4.1 (2.5 here) refuses entity-expansion bombs and ElementTree resolves no
# external entities; docProps parts are also tiny. defusedxml is not a dependency.
_NS = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dcterms": "http://purl.org/dc/terms/",
    "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
}


def _pdf_text(raw: bytes) -> str:
    raw = re.sub(rb"\\(.)", rb"\1", raw)
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", "replace")
    return raw.decode("latin-1")


def pdf_metadata(data: bytes) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in _PDF_FIELD.findall(data[:2_000_000] + data[-200_000:]):
        found.setdefault(_PDF_KEYS[key], _pdf_text(value).strip())
    return found


def docx_metadata(data: bytes) -> dict[str, str]:
    found: dict[str, str] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if "docProps/core.xml" in names:
                core = ElementTree.fromstring(z.read("docProps/core.xml"))  # noqa: S314 (see _XML)
                for tag, field in (
                    ("dc:creator", "author"),
                    ("cp:lastModifiedBy", "last_modified_by"),
                    ("dcterms:created", "created"),
                    ("dcterms:modified", "modified"),
                ):
                    node = core.find(tag, _NS)
                    if node is not None and node.text:
                        found[field] = node.text.strip()
            if "docProps/app.xml" in names:
                app = ElementTree.fromstring(z.read("docProps/app.xml"))  # noqa: S314 (see _XML)
                for tag, field in (("ep:Application", "creator"), ("ep:Company", "company")):
                    node = app.find(tag, _NS)
                    if node is not None and node.text:
                        found[field] = node.text.strip()
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError):
        return {}
    return found


def metadata(name: str, data: bytes) -> dict[str, str]:
    if data.startswith(b"%PDF"):
        return pdf_metadata(data)
    if data.startswith(b"PK") and name.lower().endswith((".docx", ".xlsx", ".pptx")):
        return docx_metadata(data)
    return {}
