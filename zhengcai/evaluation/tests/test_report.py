"""The evaluation report PDF (pdftotext): committee, verdicts with reasons, scores, ranking, the
revealed tie-break seed, every signature and dissent; the digest each Signature records
verifies against the platform key, and a tampered report or payload fails."""

from __future__ import annotations

import hashlib
import subprocess
from typing import Any

import pytest

from zhengcai.bidding import crypto
from zhengcai.core import clock
from zhengcai.evaluation import constants as c
from zhengcai.evaluation import services as s
from zhengcai.evaluation.tests.builders import (
    PASSWORD,
    chair,
    declared,
    evaluation_ready,
)

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=data, check=True, capture_output=True
    )
    return out.stdout.decode().replace("\n", "").replace(" ", "")


def verify(payload: dict[str, Any], signature: str) -> bool:
    return crypto.platform_verify(payload, signature, crypto.platform_public_key_pem())


def test_report_pdf_contents_and_signature_digests() -> None:
    # two bids equal in price → tied rank, settled by the committed seed
    r = evaluation_ready(
        method="lowest_price",
        bidders=4,
        prices=["742000.00", "742000.00", "760000.00", "735000.00"],
        sizes=["", "", "", ""],
    )
    ev = declared(r)
    clock.freeze(r.evaluation_at)
    ev = s.evaluation_start(actor=r.agency, evaluation=ev)
    bids = list(ev.bids.order_by("pk"))
    members = list(ev.members.order_by("position"))
    for rb in bids:
        s.check_record(actor=r.agency, reviewed_bid=rb, stage="qualification", passed=True)
        for i, m in enumerate(members):
            bad = rb.pk == bids[2].pk
            s.check_record(
                actor=m.user,
                reviewed_bid=rb,
                stage="compliance",
                passed=not bad,
                reason=f"交货期不满足三十日要求{i}" if bad else "",
            )
    ev = s.review_close(actor=chair(ev), evaluation=ev)
    ev = s.evaluation_conclude(actor=chair(ev), evaluation=ev)
    first = ev.reports.get(version=1)
    assert first.sha256 == hashlib.sha256(first.pdf.read()).hexdigest()
    dissent = "供应商2的交货承诺存在疑问，不同意排序"
    sigs = []
    for i, m in enumerate(members):
        sigs.append(
            s.report_sign(
                actor=m.user,
                evaluation=ev,
                agrees=i != 3,
                dissent=dissent if i == 3 else "",
                password=PASSWORD,
            )
        )
    ev.refresh_from_db()
    assert ev.status == c.EvaluationStatus.SIGNED
    final = ev.reports.get(final=True)
    with final.pdf.open("rb") as f:
        text = pdf_text(f.read())
    # committee
    for m in members:
        assert m.user.get_full_name().replace(" ", "") in text
    assert "组长" in text
    # verdicts with reasons
    assert "交货期不满足三十日要求0" in text and "不通过" in text
    assert "符合性审查不通过" in text
    # prices and ranking; the tied pair and the revealed seed
    ranked = list(ev.bids.filter(valid=True).order_by("order"))
    assert ranked[0].opening_price == ranked[0].evaluated_price
    assert "并列，抽签确定顺序" in text
    assert ev.seed_hash in text and ev.seed in text
    for rb in ranked:
        assert rb.supplier.name in text and str(rb.evaluated_price) in text
    # every signature and the dissent
    assert text.count("同意评审结论") >= 4 and dissent in text
    assert first.sha256 in text
    # the digest each member signed is the PDF they were shown, signed by the platform
    for sig in sigs:
        assert sig.digest == first.sha256 == sig.payload["report_sha256"]
        assert verify(sig.payload, sig.platform_signature)
        # any change to what was signed breaks the signature
        tampered = {**sig.payload, "report_sha256": hashlib.sha256(b"other").hexdigest()}
        assert not verify(tampered, sig.platform_signature)
        assert not verify({**sig.payload, "agrees": not sig.payload["agrees"]},
                          sig.platform_signature)  # fmt: skip
    # a tampered report no longer matches the digest the members signed
    with first.pdf.open("rb") as f:
        data = bytearray(f.read())
    data[len(data) // 2] ^= 0xFF
    assert hashlib.sha256(bytes(data)).hexdigest() != sigs[0].digest


def test_report_scores_and_replacement_marks() -> None:
    r = evaluation_ready(sizes=["", "", ""])
    ev = declared(r)
    clock.freeze(r.evaluation_at)
    ev = s.evaluation_start(actor=r.agency, evaluation=ev)
    bids = list(ev.bids.order_by("pk"))
    for rb in bids:
        s.check_record(actor=r.agency, reviewed_bid=rb, stage="qualification", passed=True)
        for m in ev.members.all():
            s.check_record(actor=m.user, reviewed_bid=rb, stage="compliance", passed=True)
    ev = s.review_close(actor=chair(ev), evaluation=ev)
    for j, m in enumerate(ev.members.order_by("position")):
        for i, rb in enumerate(bids):
            s.score_submit(
                actor=m.user,
                reviewed_bid=rb,
                scores={"技术方案": str(30 + i + (j % 2)), "售后服务": "11"},
            )
    ev = s.scoring_close(actor=chair(ev), evaluation=ev)
    ev = s.evaluation_conclude(actor=chair(ev), evaluation=ev)
    with ev.reports.get(version=1).pdf.open("rb") as f:
        text = pdf_text(f.read())
    assert "评分表" in text and "技术方案（45分）" in text
    for rb in ev.bids.filter(valid=True):
        assert str(rb.total_score) in text and str(rb.price_score) in text
