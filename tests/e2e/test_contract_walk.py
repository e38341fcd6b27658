"""合同 → 验收 → 支付 in the browser (issue 11 items 5–7): the purchaser generates the contract
from the award on its desk, sets the performance security and issues it; both parties sign on
the signing page (demo keys, verified like any signature); the purchaser announces and files
it and the public notice shows it; a milestone is delivered, accepted by a team that signs the
report, paid after the purchaser's approval through the treasury file exchange. Screenshots
under var/screenshots/contract-*."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import transaction

from tests.e2e.conftest import login as e2e_login
from tests.e2e.conftest import logout, shot
from zhengcai.contracts import services as s
from zhengcai.contracts.models import Contract, PaymentRequest
from zhengcai.contracts.tests.builders import PASSWORD, awarded
from zhengcai.core import clock

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=clock.SHANGHAI)


def login(page: Any, base: str, username: str) -> None:
    e2e_login(page, base, username, PASSWORD)


def test_contract_walk(
    page: Any, live_server: Any, transactional_db: None, settings: Any, tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("ZHENGCAI_BIDDING_KEYS_DIR", str(tmp_path / "keys"))
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ZHENGCAI = {**settings.ZHENGCAI, "BIDDING_DEMO_SIGNER": True,
                         "TREASURY_DIR": str(tmp_path / "treasury")}  # fmt: skip
    clock.freeze(NOW)
    try:
        _walk(page, live_server.url)
    finally:
        clock.unfreeze()


def _walk(page: Any, base: str) -> None:
    with transaction.atomic():
        a = awarded()
    lot = a.ready.lot
    # 1. the purchaser's desk: generate the contract from the award
    login(page, base, a.purchaser.username)
    page.goto(f"{base}/contracts/")
    page.click(f"[data-testid=contract-draft-{lot.pk}]")
    page.wait_for_selector("[data-testid=contract-status]")
    k = Contract.objects.get(lot=lot)
    page.fill("input[name=security_amount]", "69000.00")
    page.select_option("select[name=security_form]", "guarantee")
    page.click("text=保存草稿")
    page.wait_for_selector("text=合同草稿已保存")
    shot(page, "contract-1-draft")
    page.click("[data-testid=contract-issue]")
    page.wait_for_selector("text=等待双方电子签名")
    page.click("[data-testid=contract-sign-page]")
    page.wait_for_selector("[data-testid=sign-message]")
    shot(page, "contract-2-signing-page")
    page.click("[data-testid=contract-sign-demo]")
    page.wait_for_selector("text=已用演示密钥签名并验证")
    logout(page)
    # 2. the supplier signs on its page
    login(page, base, a.winner.username)
    page.goto(f"{base}/contracts/{k.pk}/sign/")
    assert k.contract_no in page.inner_text("[data-testid=contract-text]")
    page.click("[data-testid=contract-sign-demo]")
    page.wait_for_selector("text=已用演示密钥签名并验证")
    assert page.inner_text("[data-testid=contract-status]") == "已签订"
    shot(page, "contract-3-signed")
    logout(page)
    # 3. announce and file; the public notice
    login(page, base, a.purchaser.username)
    page.goto(f"{base}/contracts/{k.pk}/")
    page.click("[data-testid=contract-announce]")
    page.wait_for_selector("text=合同公告已发布")
    page.fill("input[name=filing_no]", "杭财备〔2026〕1号")
    page.click("[data-testid=contract-file]")
    page.wait_for_selector("text=合同已备案")
    # 4. a milestone
    page.fill("[data-testid=milestone-name]", "到货验收")
    page.fill("[data-testid=milestone-due]", "2026-12-10")
    page.fill("[data-testid=milestone-amount]", "690000.00")
    page.click("text=添加履约节点")
    page.wait_for_selector("text=履约节点已添加")
    logout(page)
    page.goto(f"{base}/contracts/public/{k.pk}/")
    assert page.inner_text("[data-testid=notice-amount]") == "690000.00"
    shot(page, "contract-4-public-notice")
    # 5. delivery, acceptance (the purchaser and the agency sign the report)
    login(page, base, a.winner.username)
    page.goto(f"{base}/contracts/{k.pk}/")
    page.click("text=报告交付")
    page.wait_for_selector("text=已报告交付")
    logout(page)
    login(page, base, a.purchaser.username)
    page.goto(f"{base}/contracts/{k.pk}/")
    page.fill("input[name=members]", a.ready.agency.username)
    page.click("text=组织验收")
    page.wait_for_selector("text=验收小组已组成")
    page.fill("textarea[name=findings]", "货物数量、配置与合同一致，运行正常")
    page.click("text=提交验收报告")
    page.wait_for_selector("text=验收报告已提交成员签署")
    page.fill("input[name=password]", PASSWORD)
    page.click("text=签署验收报告（验收小组成员）")
    page.wait_for_selector("text=已签署验收报告")
    logout(page)
    login(page, base, a.ready.agency.username)
    page.goto(f"{base}/contracts/{k.pk}/")
    page.fill("input[name=password]", PASSWORD)
    page.click("text=签署验收报告（验收小组成员）")
    page.wait_for_selector("text=已签署验收报告")
    shot(page, "contract-5-accepted")
    logout(page)
    # 6. payment: requested, approved, paid through the treasury exchange
    login(page, base, a.winner.username)
    page.goto(f"{base}/contracts/{k.pk}/")
    page.click("text=申请支付")
    page.wait_for_selector("text=支付申请已提交")
    logout(page)
    login(page, base, a.purchaser.username)
    page.goto(f"{base}/contracts/{k.pk}/")
    page.click("text=审核通过")
    page.wait_for_selector("text=将随下一批支付指令送国库")
    path = s.treasury_export()
    assert path is not None
    ins = json.loads(path.read_text(encoding="utf-8"))["instructions"][0]
    (s.treasury_dir() / "inbox" / "GK-1.json").write_text(json.dumps({
        "format": s.CONFIRMATION_FORMAT, "batch_id": "x",
        "results": [{"instruction_no": ins["instruction_no"], "status": "paid",
                     "amount": ins["amount"], "paid_on": "2026-11-25", "voucher_no": "GK-0001"}],
    }), encoding="utf-8")  # fmt: skip
    s.treasury_import()
    page.goto(f"{base}/contracts/{k.pk}/")
    page.wait_for_selector("text=GK-0001")
    shot(page, "contract-6-paid")
    assert PaymentRequest.objects.get(contract=k).status == "paid"
