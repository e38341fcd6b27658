"""Bid-rigging evidence: pairs of opened bids sharing signals (87号令 37; redflags.md §5)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from zhengcai.bidding import constants as c
from zhengcai.bidding.models import Bid
from zhengcai.tenders.models import Project


@dataclass
class EvidencePair:
    a: str
    b: str
    lot: int
    reasons: list[str]


SIGNALS = (
    ("ip", "上传 IP 相同（87号令 37(1)(2)）"),
    ("fingerprint", "客户端指纹（机器特征）相同（87号令 37(1)(2)）"),
    ("digest", "文件摘要相同（87号令 37(4)）"),
    ("author", "文件作者/编制人相同（87号令 37(1)）"),
    ("company", "文件所属单位属性相同（87号令 37(1)）"),
    ("payer", "保证金付款账户相同（87号令 37(6)）"),
)


def _features(bid: Bid) -> dict[str, set[str]]:
    f: dict[str, set[str]] = {k: set() for k, _ in SIGNALS}
    ev = getattr(bid, "evidence", None)
    if ev is not None:
        if ev.ip:
            f["ip"].add(ev.ip)
        if ev.fingerprint:
            f["fingerprint"].add(ev.fingerprint)
    for doc in bid.documents.all():
        if doc.kind == c.DocKind.FILE:
            meta = doc.meta or {}
            f["digest"].add(str(meta.get("sha256") or doc.digest))
            for field in ("author", "last_modified_by"):
                if meta.get(field):
                    f["author"].add(str(meta[field]).strip().lower())
            if meta.get("company"):
                f["company"].add(str(meta["company"]).strip().lower())
    bond = getattr(bid.participation, "bond", None)
    if bond is not None and bond.payer_account:
        f["payer"].add(bond.payer_account.replace(" ", ""))
    return f


def evidence_pairs(project: Project) -> list[EvidencePair]:
    """Pairs of opened bids in the same lot sharing an IP, fingerprint, file digest, author or
    bond account: reasons to review, never findings (redflags.md §5)."""
    bids = list(
        Bid.objects.filter(
            window__project=project, status__in=[c.BidStatus.OPENED, c.BidStatus.FLAGGED]
        )
        .select_related(
            "participation__supplier", "participation__lot", "participation__bond", "evidence"
        )
        .prefetch_related("documents")
        .order_by("participation__lot__number", "pk")
    )
    feats = {b.pk: _features(b) for b in bids}
    pairs = []
    for x, y in combinations(bids, 2):
        if (
            x.participation.lot_id != y.participation.lot_id
            or x.participation.supplier_id == y.participation.supplier_id
        ):
            continue
        reasons = [label for key, label in SIGNALS if feats[x.pk][key] & feats[y.pk][key]]
        if reasons:
            pairs.append(
                EvidencePair(
                    a=x.participation.supplier.name,
                    b=y.participation.supplier.name,
                    lot=x.participation.lot.number,
                    reasons=reasons,
                )
            )
    return pairs
