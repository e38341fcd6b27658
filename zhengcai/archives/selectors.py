"""Reads of the archives app."""

from __future__ import annotations

from django.db.models import QuerySet

from zhengcai.archives.models import Archive, ArchiveItem


def archives_of(qs: QuerySet[Archive], *, project_id: int | None = None) -> QuerySet[Archive]:
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    return qs.order_by("-sealed_at", "-pk")


def items_of(archive: Archive) -> QuerySet[ArchiveItem]:
    return archive.items.order_by("path")
