"""The state machines of the tenders aggregates (design §4 rule 2; issue 9): each declared once
from its TRANSITIONS table (`constants`) and the only way its status changes — locked, checked
against the table and the version, saved and audited in the caller's transaction
(core.transitions). Audit actions are `<action>.<to>` (`project.published`, `document.final`,
`finding.justified`, `notice.superseded` …), as before the machines."""

from __future__ import annotations

from zhengcai.core import transitions
from zhengcai.tenders import constants as c
from zhengcai.tenders.models import (
    Clarification,
    ComplianceFinding,
    DocumentComment,
    Lot,
    Notice,
    ProcurementDocument,
    Project,
)

PROJECT = transitions.register(
    transitions.Machine(
        Project,
        c.PROJECT_TRANSITIONS,
        what="项目",
        action="project",
        labels=c.ProjectStatus,
        organization=lambda p: p.agency,
    )
)
LOT = transitions.register(
    transitions.Machine(
        Lot,
        c.LOT_TRANSITIONS,
        what="采购包",
        action="lot",
        labels=c.LotStatus,
        organization=lambda lot: lot.project.agency,
    )
)
DOCUMENT = transitions.register(
    transitions.Machine(
        ProcurementDocument,
        c.DOCUMENT_TRANSITIONS,
        what="采购文件",
        action="document",
        labels=c.DocumentStatus,
        organization=lambda d: d.project.agency,
    )
)
FINDING = transitions.register(
    transitions.Machine(
        ComplianceFinding,
        c.FINDING_TRANSITIONS,
        what="审查问题",
        action="finding",
        labels=c.FindingStatus,
        organization=lambda f: f.project.agency,
    )
)
NOTICE = transitions.register(
    transitions.Machine(
        Notice,
        c.NOTICE_TRANSITIONS,
        what="公告",
        action="notice",
        labels=c.NoticeStatus,
        organization=lambda n: n.project.agency,
    )
)
CLARIFICATION = transitions.register(
    transitions.Machine(
        Clarification,
        c.CLARIFICATION_TRANSITIONS,
        what="问题",
        action="clarification",
        labels=c.ClarificationStatus,
        organization=lambda q: q.project.agency,
    )
)
COMMENT = transitions.register(
    transitions.Machine(
        DocumentComment,
        c.COMMENT_TRANSITIONS,
        what="意见",
        action="comment",
        labels=c.CommentStatus,
        organization=lambda m: m.project.agency,
    )
)
