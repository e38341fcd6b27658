"""Writes of the tenders app: the only place a project, document, finding, notice or
clarification changes. Each change checks its TRANSITIONS table, writes its audit entry and
saves in one transaction (design §4 rule 2).

Where the bidding app plugs in:
- `register_deadline_hook(fn)` in its AppConfig.ready(): `fn(project)` runs inside the
  transaction of `project_deadline_reached`, after the project moved to `bidding_closed`
  (the deadline is reached by the timed handler `project_deadline_tick`, driven by
  `Project.next_check`).
- `project_transition(actor=…, project=…, to_status=…)` moves the post-deadline statuses
  (opened, evaluating, failed …) through PROJECT_TRANSITIONS.
- `selectors.project_document_holders(project)`: the suppliers who obtained the documents.
"""

from __future__ import annotations

from zhengcai.tenders.services.checks import (
    _facts as _facts,
)
from zhengcai.tenders.services.checks import (
    _render as _render,
)
from zhengcai.tenders.services.checks import (
    _require_clean as _require_clean,
)
from zhengcai.tenders.services.checks import (
    _sync_findings as _sync_findings,
)
from zhengcai.tenders.services.checks import (
    compliance_check as compliance_check,
)
from zhengcai.tenders.services.checks import (
    document_finalize as document_finalize,
)
from zhengcai.tenders.services.checks import (
    finding_justify as finding_justify,
)
from zhengcai.tenders.services.checks import (
    lottery_rows as lottery_rows,
)
from zhengcai.tenders.services.checks import (
    render_document_html as render_document_html,
)
from zhengcai.tenders.services.clarifications import (
    _require_open as _require_open,
)
from zhengcai.tenders.services.clarifications import (
    clarification_answer as clarification_answer,
)
from zhengcai.tenders.services.clarifications import (
    clarification_ask as clarification_ask,
)
from zhengcai.tenders.services.clarifications import (
    document_download as document_download,
)
from zhengcai.tenders.services.comments import (
    comment_answer as comment_answer,
)
from zhengcai.tenders.services.comments import (
    comment_period_open as comment_period_open,
)
from zhengcai.tenders.services.comments import (
    comment_submit as comment_submit,
)
from zhengcai.tenders.services.comments import (
    public_comment_open as public_comment_open,
)
from zhengcai.tenders.services.common import (
    ZERO as ZERO,
)
from zhengcai.tenders.services.common import (
    DeadlineHook as DeadlineHook,
)
from zhengcai.tenders.services.common import (
    _bad_transition as _bad_transition,
)
from zhengcai.tenders.services.common import (
    _check_version as _check_version,
)
from zhengcai.tenders.services.common import (
    _deadline_hooks as _deadline_hooks,
)
from zhengcai.tenders.services.common import (
    _decimal as _decimal,
)
from zhengcai.tenders.services.common import (
    _document_dirty as _document_dirty,
)
from zhengcai.tenders.services.common import (
    _end_of_day as _end_of_day,
)
from zhengcai.tenders.services.common import (
    _lock as _lock,
)
from zhengcai.tenders.services.common import (
    _money as _money,
)
from zhengcai.tenders.services.common import (
    _move as _move,
)
from zhengcai.tenders.services.common import (
    _publish_event as _publish_event,
)
from zhengcai.tenders.services.common import (
    _redraft as _redraft,
)
from zhengcai.tenders.services.common import (
    _require_editable as _require_editable,
)
from zhengcai.tenders.services.common import (
    _require_manager as _require_manager,
)
from zhengcai.tenders.services.common import (
    register_deadline_hook as register_deadline_hook,
)
from zhengcai.tenders.services.corrections import (
    _apply_deadline_change as _apply_deadline_change,
)
from zhengcai.tenders.services.corrections import (
    _correct as _correct,
)
from zhengcai.tenders.services.corrections import (
    project_correct as project_correct,
)
from zhengcai.tenders.services.corrections import (
    project_deadline_reached as project_deadline_reached,
)
from zhengcai.tenders.services.corrections import (
    project_deadline_tick as project_deadline_tick,
)
from zhengcai.tenders.services.corrections import (
    project_terminate as project_terminate,
)
from zhengcai.tenders.services.documents import (
    DOCUMENT_FIELDS as DOCUMENT_FIELDS,
)
from zhengcai.tenders.services.documents import (
    TEMPLATE_FIELDS as TEMPLATE_FIELDS,
)
from zhengcai.tenders.services.documents import (
    TERM_FIELDS as TERM_FIELDS,
)
from zhengcai.tenders.services.documents import (
    _apply_bond as _apply_bond,
)
from zhengcai.tenders.services.documents import (
    _apply_document_values as _apply_document_values,
)
from zhengcai.tenders.services.documents import (
    _apply_terms as _apply_terms,
)
from zhengcai.tenders.services.documents import (
    _bond_percent as _bond_percent,
)
from zhengcai.tenders.services.documents import (
    _clear_terms as _clear_terms,
)
from zhengcai.tenders.services.documents import (
    _evaluation_method_refused as _evaluation_method_refused,
)
from zhengcai.tenders.services.documents import (
    _factors as _factors,
)
from zhengcai.tenders.services.documents import (
    _method_allowed as _method_allowed,
)
from zhengcai.tenders.services.documents import (
    _method_refusal as _method_refusal,
)
from zhengcai.tenders.services.documents import (
    _reviewed_budgets as _reviewed_budgets,
)
from zhengcai.tenders.services.documents import (
    _set_reviewed_budgets as _set_reviewed_budgets,
)
from zhengcai.tenders.services.documents import (
    document_build as document_build,
)
from zhengcai.tenders.services.documents import (
    document_update as document_update,
)
from zhengcai.tenders.services.documents import (
    method_terms_missing as method_terms_missing,
)
from zhengcai.tenders.services.documents import (
    template_save as template_save,
)
from zhengcai.tenders.services.notices import (
    _evaluation_notice_fields as _evaluation_notice_fields,
)
from zhengcai.tenders.services.notices import (
    _notice as _notice,
)
from zhengcai.tenders.services.notices import (
    notice_fields as notice_fields,
)
from zhengcai.tenders.services.notices import (
    project_publish as project_publish,
)
from zhengcai.tenders.services.projects import (
    PROJECT_FIELDS as PROJECT_FIELDS,
)
from zhengcai.tenders.services.projects import (
    _check_lots as _check_lots,
)
from zhengcai.tenders.services.projects import (
    _lot_values as _lot_values,
)
from zhengcai.tenders.services.projects import (
    lot_add as lot_add,
)
from zhengcai.tenders.services.projects import (
    lot_remove as lot_remove,
)
from zhengcai.tenders.services.projects import (
    lot_transition as lot_transition,
)
from zhengcai.tenders.services.projects import (
    lot_update as lot_update,
)
from zhengcai.tenders.services.projects import (
    object_kind_for as object_kind_for,
)
from zhengcai.tenders.services.projects import (
    project_create_from_commission as project_create_from_commission,
)
from zhengcai.tenders.services.projects import (
    project_transition as project_transition,
)
from zhengcai.tenders.services.projects import (
    project_two_supplier_set as project_two_supplier_set,
)
from zhengcai.tenders.services.projects import (
    project_update as project_update,
)

__all__ = [
    "DOCUMENT_FIELDS",
    "PROJECT_FIELDS",
    "TEMPLATE_FIELDS",
    "TERM_FIELDS",
    "ZERO",
    "DeadlineHook",
    "clarification_answer",
    "clarification_ask",
    "comment_answer",
    "comment_period_open",
    "comment_submit",
    "compliance_check",
    "document_build",
    "document_download",
    "document_finalize",
    "document_update",
    "finding_justify",
    "lot_add",
    "lot_remove",
    "lot_transition",
    "lot_update",
    "lottery_rows",
    "method_terms_missing",
    "notice_fields",
    "object_kind_for",
    "project_correct",
    "project_create_from_commission",
    "project_deadline_reached",
    "project_deadline_tick",
    "project_publish",
    "project_terminate",
    "project_transition",
    "project_two_supplier_set",
    "project_update",
    "public_comment_open",
    "register_deadline_hook",
    "render_document_html",
    "template_save",
]
