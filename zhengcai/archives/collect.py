"""What goes into a project's archive: every record of the project in every app that holds
project records, the files those records name, the bid envelopes (sealed and, once opened,
their contents) and the audit entries of all of them.

Records are found, not listed: any model of `SOURCE_APPS` with a foreign-key path to the
project is archived, so a model added later is archived without touching this module.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.files.storage import default_storage
from django.db.models import FileField, Model

from zhengcai.archives import constants as c

# The apps whose records belong to projects, lowest first.
SOURCE_APPS = ("tenders", "bidding", "experts", "evaluation", "awards", "contracts")
# Secrets that are not records: the custodian's share of an opening key.
EXCLUDED_FIELDS: dict[str, set[str]] = {"bidding.submissionwindow": {"sealed_share"}}
MAX_DEPTH = 4


@dataclass(frozen=True)
class Item:
    path: str
    kind: str
    data: bytes


@dataclass
class Collection:
    items: list[Item] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    keys: dict[str, list[int]] = field(default_factory=dict)  # model label -> pks archived


def _models() -> list[type[Model]]:
    out: list[type[Model]] = []
    for label in SOURCE_APPS:
        try:
            out.extend(apps.get_app_config(label).get_models())
        except LookupError:  # an app not installed in this deployment
            continue
    return out


def project_paths() -> dict[type[Model], str]:
    """Model → the ORM lookup from it to the project's pk, the shortest there is."""
    project = apps.get_model("tenders", "Project")
    paths: dict[type[Model], str] = {project: "pk"}
    candidates = _models()
    for _ in range(MAX_DEPTH):
        found: dict[type[Model], str] = {}
        for model in candidates:
            if model in paths:
                continue
            for f in model._meta.get_fields():
                if not (f.concrete and (f.many_to_one or f.one_to_one)):
                    continue
                target = paths.get(f.related_model)  # type: ignore[arg-type]
                if target is None:
                    continue
                lookup = f.name if target == "pk" else f"{f.name}__{target}"
                if model not in found or lookup.count("__") < found[model].count("__"):
                    found[model] = lookup
        if not found:
            break
        paths.update(found)
    return paths


def _dump(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True, default=str).encode()


def _records(model: type[Model], lookup: str, project_pk: int, out: Collection) -> list[Model]:
    label = model._meta.label_lower
    rows = list(model._default_manager.filter(**{lookup: project_pk}).order_by("pk"))
    if not rows:
        return rows
    excluded = EXCLUDED_FIELDS.get(label, set())
    fields = [
        f.name for f in model._meta.concrete_fields if not f.primary_key and f.name not in excluded
    ]
    text = serializers.serialize("json", rows, fields=fields, indent=1)
    out.items.append(Item(f"records/{label}.json", c.ItemKind.RECORDS, text.encode()))
    out.keys[label] = [r.pk for r in rows]
    for f in model._meta.concrete_fields:
        if isinstance(f, FileField):
            for r in rows:
                name = getattr(r, f.name).name
                if name:
                    _file(out, f"files/{label}/{r.pk}-{name.rsplit('/', 1)[-1]}", name)
    return rows


def _file(out: Collection, path: str, storage_name: str, kind: str = c.ItemKind.FILE) -> None:
    try:
        with default_storage.open(storage_name, "rb") as fh:
            out.items.append(Item(path, kind, fh.read()))
    except OSError:
        out.notes.append(f"文件缺失：{storage_name}")


def _envelopes(rows: list[Model], out: Collection) -> None:
    """Bid documents: the sealed ciphertext always; the opened contents once opened."""
    from zhengcai.bidding.services import document_plaintext

    for doc in rows:
        base = f"{doc.bid_id}/{doc.pk}-{doc.name}"  # type: ignore[attr-defined]
        _file(out, f"envelopes/{base}.sealed", doc.storage_name, c.ItemKind.ENVELOPE)  # type: ignore[attr-defined]
        if doc.meta is None:  # type: ignore[attr-defined]
            continue
        try:
            data = document_plaintext(doc)  # type: ignore[arg-type]
        except Exception as exc:
            out.notes.append(f"投标文件 {doc.pk} 无法开启：{exc}")
            continue
        out.items.append(Item(f"opened/{base}", c.ItemKind.OPENED, data))


def _audit(out: Collection) -> None:
    from zhengcai.core.models import AuditEntry

    entries: list[dict[str, Any]] = []
    for label, pks in sorted(out.keys.items()):
        ids = [str(pk) for pk in pks]
        for i in range(0, len(ids), 500):
            qs = AuditEntry.objects.filter(object_type=label, object_id__in=ids[i : i + 500])
            entries.extend(
                dict(e)
                for e in qs.values(
                    "seq",
                    "created_at",
                    "actor_label",
                    "action",
                    "object_type",
                    "object_id",
                    "object_label",
                    "before",
                    "after",
                    "algorithm",
                    "prev_hash",
                    "hash",
                )
            )
    entries.sort(key=lambda e: e["seq"])
    out.items.append(Item("audit/entries.json", c.ItemKind.AUDIT, _dump(entries)))


def collect(project: Model) -> Collection:
    out = Collection()
    for model, lookup in sorted(project_paths().items(), key=lambda kv: kv[0]._meta.label_lower):
        rows = _records(model, lookup, project.pk, out)
        if model._meta.label_lower == "bidding.biddocument":
            _envelopes(rows, out)
    _audit(out)
    return out


def stamp(value: dt.datetime) -> tuple[int, int, int, int, int, int]:
    v = value.astimezone(dt.UTC)
    return (max(v.year, 1980), v.month, v.day, v.hour, v.minute, v.second)
