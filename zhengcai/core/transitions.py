"""The one door for every status change (design §4 rule 2).

Each aggregate declares one `Machine` from its TRANSITIONS table:

    PLAN = Machine(ProcurementPlan, c.PLAN_TRANSITIONS, what="计划", labels=c.PlanStatus,
                   action="plan", organization=lambda p: p.organization)

and every status change of that aggregate goes through `PLAN.move(...)`, which

1. must run inside the caller's transaction (`transaction.atomic`);
2. locks the row (SELECT … FOR UPDATE on PostgreSQL) and reads its stored status and version;
3. refuses a stale object (another change came first: 409), a version the caller did not
   expect (`expected_version`, 412) and a move the table does not allow (409 `bad_transition`,
   with both statuses named in Chinese);
4. applies the other field changes the move carries, sets the status, bumps `version`,
   stamps `updated_at` (when the model has them) and saves;
5. writes the audit entry — action `<action>.<to>` unless given, a human label, before/after.

Nothing else writes a status: `tests/architecture` fails the suite on `.status =` or
`.update(status=` outside this module. A row is born in its initial status (`create(...)`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.db import connection
from django.db.models import Model

from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, PreconditionFailed

if TYPE_CHECKING:
    from zhengcai.accounts.models import Organization

M = TypeVar("M", bound=Model)

ERR_BAD_TRANSITION = "bad_transition"
ERR_STALE = "stale_object"


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a changed field for the audit entry."""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | Decimal):
        return str(value)
    return value


@dataclass(frozen=True)
class Machine(Generic[M]):
    """The state machine of one aggregate, declared once from its TRANSITIONS table."""

    model: type[M]
    transitions: Mapping[str, Iterable[str]]
    what: str  # how the pages name the aggregate: "计划", "项目", "投标文件" …
    action: str  # audit action prefix: "plan" → "plan.submitted"
    labels: Any = None  # the TextChoices of the status, for messages
    organization: Callable[[M], Organization | None] | None = None
    field: str = "status"
    error_code: str = ERR_BAD_TRANSITION

    # --- reading the table ---------------------------------------------------------------
    def allowed(self, current: str) -> set[str]:
        return set(self.transitions.get(current, ()))

    def can(self, obj: M | str, to: str) -> bool:
        current = obj if isinstance(obj, str) else getattr(obj, self.field)
        return to in self.allowed(current)

    def label(self, value: str) -> str:
        labels = self.labels
        if labels is not None and value in labels.values:
            return str(labels(value).label)
        return value

    def refusal(self, current: str, to: str) -> Conflict:
        return Conflict(
            f"{self.what}状态不能从「{self.label(current)}」变为「{self.label(to)}」",
            code=self.error_code,
            detail={"from": current, "to": to},
        )

    def check(self, obj: M | str, to: str) -> None:
        """Raise the refusal when the table does not allow `to` from the current status."""
        current = obj if isinstance(obj, str) else getattr(obj, self.field)
        if not self.can(current, to):
            raise self.refusal(current, to)

    # --- the door ------------------------------------------------------------------------
    def lock(self, obj: M) -> M:
        """The row again, locked for the rest of the transaction (PostgreSQL)."""
        return self.model._default_manager.select_for_update(of=("self",)).get(pk=obj.pk)

    def move(
        self,
        obj: M,
        *,
        to: str,
        actor: Any,
        expected_version: int | None = None,
        reason: str = "",
        action: str | None = None,
        audit: Mapping[str, Any] | None = None,
        object_label: str | None = None,
        **changes: Any,
    ) -> M:
        """Move `obj` to `to` with `changes` applied, save it and audit it (see module doc)."""
        if not connection.in_atomic_block:
            raise RuntimeError(f"{self.model.__name__} 的状态变更必须在事务内进行")
        has_version = hasattr(obj, "version")
        columns = [self.field] + (["version"] if has_version else [])
        stored = (
            self.model._default_manager.select_for_update(of=("self",))
            .filter(pk=obj.pk)
            .values(*columns)
            .first()
        )
        if stored is None:
            raise Conflict(f"{self.what}不存在或已被删除", code=ERR_STALE)
        current = stored[self.field]
        if has_version and expected_version is not None and stored["version"] != expected_version:
            raise PreconditionFailed(detail={"current_version": stored["version"]})
        held_version = obj.__dict__.get("version")
        if getattr(obj, self.field) != current or (
            has_version and held_version != stored["version"]
        ):
            raise Conflict(
                f"{self.what}已被他人修改（当前状态「{self.label(current)}」），请刷新后重试",
                code=ERR_STALE,
                detail={"current": current},
            )
        self.check(current, to)
        for name, value in changes.items():
            setattr(obj, name, value)
        setattr(obj, self.field, to)
        if has_version:
            obj.version = stored["version"] + 1  # type: ignore[attr-defined]
        if hasattr(obj, "updated_at"):
            obj.updated_at = clock.now()  # type: ignore[attr-defined]
        obj.save()
        after: dict[str, Any] = {self.field: to}
        if reason:
            after["reason"] = reason
        after.update({k: _plain(v) for k, v in changes.items()})
        if audit:
            after.update(audit)
        audit_record(
            actor=actor,
            action=action or f"{self.action}.{to}",
            obj=obj,
            organization=self.organization(obj) if self.organization else None,
            before={self.field: current},
            after=after,
            object_label=object_label,
        )
        return obj

    def move_all(
        self, objs: Iterable[M], *, to: str, actor: Any, reason: str = "", **kwargs: Any
    ) -> list[M]:
        """Move several rows, each through `move` (each locked, checked and audited)."""
        return [self.move(o, to=to, actor=actor, reason=reason, **kwargs) for o in objs]


_machines: list[Machine[Any]] = []


def register(machine: Machine[M]) -> Machine[M]:
    """Declare a machine (module level in the app's services): the architecture tests list
    every registered machine and check each TRANSITIONS table names only real statuses."""
    if not any(m.model is machine.model and m.field == machine.field for m in _machines):
        _machines.append(machine)
    return machine


def machines() -> list[Machine[Any]]:
    return list(_machines)
