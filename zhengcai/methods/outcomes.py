"""What a plan's method code means before any project exists. The plans app asks here and
never compares a method code itself (design §4 rule 3).

A plan records one of the 政府采购 methods of `config` — which becomes a project of this
platform — or one of two outcomes that have no MethodConfig and never become a project here:

* 限额以下自行采购 (`Method.BELOW_LIMIT`): below the 采购限额标准 and outside the 集中采购目录 the
  Government Procurement Law's procedures do not apply (法 2);
* 依法招标（招标投标法） (`BIDDING_LAW`): works, and goods and services tied to works, that are
  tendered — obligatorily at or above the thresholds of 《必须招标的工程项目规定》(发改委令
  第16号) — follow the 招标投标法 and its 实施条例 (法 4; 条例 7).
"""

from __future__ import annotations

from zhengcai.methods import config
from zhengcai.methods.codes import BIDDING_LAW, Method, PlanMethod


def _config(code: str) -> config.MethodConfig | None:
    return config.get(code) if config.supported(code) else None


def is_known(code: str) -> bool:
    return code in PlanMethod.values


def label(code: str) -> str:
    """The Chinese name of a plan's method (公开招标 … 依法招标（招标投标法）)."""
    return str(PlanMethod(code).label) if is_known(code) else code


def is_below_limit(code: str) -> bool:
    """限额以下自行采购: no procedure of the Law (法 2)."""
    return code == Method.BELOW_LIMIT


def is_bidding_law(code: str) -> bool:
    """Tendered under the 招标投标法 (法 4; 条例 7): not a project of this platform."""
    return code == BIDDING_LAW


def is_procedure(code: str) -> bool:
    """A 政府采购 method that runs as a project on this platform."""
    return _config(code) is not None


def needs_approval_above_threshold(code: str) -> bool:
    """At or above the 公开招标数额标准 the method needs the approval of a finance department
    (法 27; 条例 23). The two outcomes have no approval path: below the limit nothing is
    asked, and a works tender follows the 招标投标法."""
    cfg = _config(code)
    return cfg is not None and cfg.needs_approval_above_threshold


def counts_toward_split(code: str) -> bool:
    """Whether a purchase by this method is a part a 化整为零 check adds up (条例 28): every
    method other than 公开招标, purchases below the limit included; a 招标投标法 tender not."""
    cfg = _config(code)
    return cfg.counts_toward_split if cfg is not None else is_below_limit(code)


def split_codes() -> tuple[str, ...]:
    return tuple(code for code in PlanMethod.values if counts_toward_split(code))


def allowed_for_works(code: str, *, construction: bool) -> bool:
    """Whether works below the 必须招标 thresholds may be bought by this method.

    Construction (施工, 品目 B): 竞争性谈判 or 单一来源 (条例 25), 竞争性磋商 (214号 3（五）), or a
    tender under the 招标投标法 (法 4). Goods and services tied to works (条例 7): any method
    of this Law except a tender, which follows the 招标投标法. Below the 采购限额标准 no
    procedure applies (法 2)."""
    cfg = _config(code)
    if cfg is None:
        return True
    return cfg.allows_works if construction else not cfg.tendering


def works_methods() -> tuple[str, ...]:
    """The 政府采购 methods a works project that is not tendered may use (条例 25; 214号 3)."""
    return tuple(m.code for m in config.ALL if not m.variant and m.allows_works)


def needs_ground(code: str) -> bool:
    """The plan must name the 法 31 ground the method stands on."""
    cfg = _config(code)
    return cfg is not None and cfg.needs_ground


def publicity_grounds(code: str) -> tuple[str, ...]:
    """Grounds on which a public notice precedes the approval above the threshold (条例 38)."""
    cfg = _config(code)
    return cfg.publicity_grounds if cfg is not None else ()
