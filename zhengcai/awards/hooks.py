"""Hooks of the awards app for the apps above it (house rule: a lower app exposes a registry,
the upper app registers in its `AppConfig.ready()`).

The contracts app sits above awards, so a complaint decision reaches a signed contract only
through these two registries (94号令 32):

* `contract_stage(provider)` — `provider(lot)` returns where the lot's contract stands on the
  platform: `"signed"`, `"performed"` or `None` (no contract signed here). The complaint
  decision reads it, so a regulator cannot decide on the stage of a contract the platform
  holds as if it were not signed.
* `on_contract_revoke(callback)` — `callback(lot=…, actor=…, reason=…)` revokes (撤销) the
  lot's signed, not yet performed contract and returns the numbers of the contracts revoked;
  it runs inside the decision's transaction (a callback that raises undoes the decision)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

StageProvider = Callable[[Any], "str | None"]
RevokeCallback = Callable[..., list[str]]

_stage_providers: list[StageProvider] = []
_revoke_callbacks: list[RevokeCallback] = []


def contract_stage(provider: StageProvider) -> StageProvider:
    """Register `provider(lot)` (once; registering it again is a no-op)."""
    if provider not in _stage_providers:
        _stage_providers.append(provider)
    return provider


def on_contract_revoke(callback: RevokeCallback) -> RevokeCallback:
    """Register `callback(lot=, actor=, reason=)` (once)."""
    if callback not in _revoke_callbacks:
        _revoke_callbacks.append(callback)
    return callback


def stage_of(lot: Any) -> str | None:
    """The furthest stage any provider reports for `lot` ("performed" over "signed")."""
    stages = {s for s in (p(lot) for p in list(_stage_providers)) if s}
    if "performed" in stages:
        return "performed"
    return "signed" if "signed" in stages else None


def revoke_contracts(*, lot: Any, actor: Any, reason: str) -> list[str]:
    """Run every registered revocation; the numbers of the contracts revoked."""
    done: list[str] = []
    for callback in list(_revoke_callbacks):
        done.extend(callback(lot=lot, actor=actor, reason=reason))
    return done
