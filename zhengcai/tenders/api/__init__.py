"""Tenders API: projects and lots, templates, documents and their compliance check, notices
(publish, correct, terminate), downloads, clarifications, public comment on the documents,
and the public notices, comments and feed.
Handlers are thin: parse, access_*, one service, answer."""

from __future__ import annotations

# isort: off
from zhengcai.tenders.api.common import router  # the routes register in this order
from zhengcai.tenders.api import projects, documents, notices, public, comments
# isort: on

__all__ = ["comments", "documents", "notices", "projects", "public", "router"]
