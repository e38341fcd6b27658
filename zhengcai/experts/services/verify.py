"""Anyone holding the revealed seed re-runs a draw and compares it with the record (reads only)."""

from __future__ import annotations

from dataclasses import dataclass, field

from zhengcai.experts import rules
from zhengcai.experts.models import DrawInvitation, DrawRequest

# --- verification --------------------------------------------------------------------------------


@dataclass
class VerifyReport:
    draw_id: int
    revealed: bool
    hash_ok: bool = False
    rounds_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.revealed and self.hash_ok and not self.problems


def draw_verify(draw: DrawRequest, *, seed: str | None = None) -> VerifyReport:
    """Re-run every round from the revealed seed (or one supplied by an auditor) and compare
    with what was recorded and invited. Reads only."""
    seed = seed or draw.revealed_seed
    report = VerifyReport(draw.pk, revealed=seed is not None)
    if seed is None:
        report.problems.append("种子尚未公开（评审开始后公开）")
        return report
    report.hash_ok = rules.seed_commitment(seed) == draw.seed_hash
    if not report.hash_ok:
        report.problems.append("种子与事先公布的哈希值不符")
    invited: dict[int, list[int]] = {}
    for rid, eid in DrawInvitation.objects.filter(draw=draw).values_list("round_id", "expert_id"):
        invited.setdefault(rid, []).append(eid)
    for rnd in draw.rounds.order_by("number"):
        report.rounds_checked += 1
        if rules.eligible_digest(rnd.eligible_ids) != rnd.eligible_digest:
            report.problems.append(f"第 {rnd.number} 轮候选名单摘要不符")
        again = rules.draw(seed, rnd.number, rnd.eligible_ids, rnd.wanted)
        if len(rnd.eligible_ids) < rnd.wanted:
            again = []
        if again != list(rnd.picked_ids):
            report.problems.append(f"第 {rnd.number} 轮重新抽取结果与记录不符")
        if sorted(invited.get(rnd.pk, [])) != sorted(rnd.picked_ids):
            report.problems.append(f"第 {rnd.number} 轮邀请的专家与抽取结果不符")
    return report
