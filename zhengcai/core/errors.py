"""Domain errors: a stable code for the API, a message a person understands (Chinese), a detail.

Services raise these; the API turns them into `{code, message, detail}` with the status below,
and views show the message. Codes never change once published (they are part of the API).
"""

from typing import Any


class DomainError(Exception):
    status = 400
    code = "bad_request"
    default_message = "请求无法处理"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        detail: Any = None,
        status: int | None = None,
    ) -> None:
        self.message = message or self.default_message
        if code:
            self.code = code
        if status:
            self.status = status
        self.detail = detail
        super().__init__(self.message)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "detail": self.detail}


class InvalidInput(DomainError):
    status = 422
    code = "invalid_input"
    default_message = "提交的数据不符合要求"


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"
    default_message = "请先登录"


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"
    default_message = "您无权进行此操作"


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = "对象不存在或您无权查看"


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = "操作与当前状态冲突"


class PreconditionFailed(DomainError):
    status = 412
    code = "precondition_failed"
    default_message = "数据已被他人修改，请刷新后重试"


class PreconditionRequired(DomainError):
    status = 428
    code = "precondition_required"
    default_message = "修改数据须携带 If-Match 头（先读取获得 ETag）"


class RuleViolation(DomainError):
    """A rule of law or policy is broken; `detail` names the article where one applies."""

    status = 422
    code = "rule_violation"
    default_message = "违反政府采购规定"
