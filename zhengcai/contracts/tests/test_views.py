"""The pages: the purchaser's contract desk drafts from the award, the contract page with its
sections, the supplier's signing page with the message to sign, a refused signature shown,
the public contract notice (secrets removed, SME label)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from zhengcai.accounts.tests.factories import PASSWORD
from zhengcai.contracts import services as s
from zhengcai.contracts.models import Contract
from zhengcai.contracts.tests.builders import awarded, signature

pytestmark = pytest.mark.django_db


def login(u) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    assert c.login(username=u.username, password=PASSWORD)
    return c


def test_purchaser_drafts_issues_and_both_sign_through_the_pages() -> None:
    a = awarded()
    pur = login(a.purchaser)
    page = pur.get(reverse("contracts:list"))
    assert page.status_code == 200 and a.ready.lot.name in page.content.decode()
    r = pur.post(reverse("contracts:draft", args=[a.ready.lot.pk]), {"place": "杭州"})
    k = Contract.objects.get(lot=a.ready.lot)
    assert r.status_code == 302 and r["Location"] == reverse("contracts:detail", args=[k.pk])
    pur.post(reverse("contracts:update", args=[k.pk]),
             {"security_amount": "70000", "security_form": "guarantee"})  # fmt: skip
    body = pur.get(reverse("contracts:detail", args=[k.pk])).content.decode()
    assert "条例 48" in body  # the refusal of a security over 10 %
    k.refresh_from_db()
    assert k.security_amount == 0
    pur.post(reverse("contracts:update", args=[k.pk]),
             {"security_amount": "69000", "security_form": "guarantee",
              "secrets": "三年原厂保修", "version": str(k.version)})  # fmt: skip
    pur.post(reverse("contracts:issue", args=[k.pk]))
    k.refresh_from_db()
    assert k.status == "signing"
    sup = login(a.winner)
    sign_page = sup.get(reverse("contracts:sign", args=[k.pk])).content.decode()
    assert k.digest in sign_page and f"zhengcai-contract/v1|{k.uid}|supplier|" in sign_page
    bad = sup.post(reverse("contracts:sign_submit", args=[k.pk]),
                   {"key_id": a.supplier_key_id, "signature": "00"}, follow=True)  # fmt: skip
    assert "电子签名验证失败" in bad.content.decode()
    sup.post(reverse("contracts:sign_submit", args=[k.pk]),
             {"key_id": a.supplier_key_id,
              "signature": signature(a.supplier_signer, k, "supplier")})  # fmt: skip
    pur.post(reverse("contracts:sign_submit", args=[k.pk]),
             {"key_id": a.purchaser_key_id,
              "signature": signature(a.purchaser_signer, k, "purchaser")})  # fmt: skip
    k.refresh_from_db()
    assert k.status == "signed"
    pur.post(reverse("contracts:announce", args=[k.pk]))
    public = Client().get(reverse("contracts:public_detail", args=[k.pk])).content.decode()
    assert k.contract_no in public and "690000.00" in public and "三年原厂保修" not in public
    assert Client().get(reverse("contracts:public")).status_code == 200
    # another supplier cannot see the contract
    other = login(
        a.ready.suppliers[0] if a.ready.suppliers[0] != a.winner else a.ready.suppliers[1]
    )
    assert other.get(reverse("contracts:detail", args=[k.pk])).status_code == 404
    s.contract_file(actor=a.purchaser, contract=k)


def test_demo_signing_from_the_signing_page(settings) -> None:  # type: ignore[no-untyped-def]
    a = awarded()
    k = s.contract_draft(actor=a.purchaser, lot=a.ready.lot)
    k = s.contract_issue(actor=a.purchaser, contract=k)
    pur, sup = login(a.purchaser), login(a.winner)
    refused = sup.post(reverse("contracts:sign_demo", args=[k.pk]), follow=True)
    assert "演示签名仅在演示环境可用" in refused.content.decode()
    settings.ZHENGCAI = {**settings.ZHENGCAI, "BIDDING_DEMO_SIGNER": True}
    assert "contract-sign-demo" in sup.get(reverse("contracts:sign", args=[k.pk])).content.decode()
    sup.post(reverse("contracts:sign_demo", args=[k.pk]))
    pur.post(reverse("contracts:sign_demo", args=[k.pk]))
    k.refresh_from_db()
    assert k.status == "signed"
    assert all(s.signature_valid(x, k) for x in k.signatures.all())


def test_an_expert_member_signs_the_acceptance_report_on_its_own_page() -> None:
    a = awarded()
    k = s.contract_draft(actor=a.purchaser, lot=a.ready.lot)
    from zhengcai.contracts.tests.builders import sign_both

    k = sign_both(a, s.contract_issue(actor=a.purchaser, contract=k))
    m = s.milestone_add(actor=a.purchaser, contract=k, name="到货", kind="delivery",
                        due_on=k.signed_on, amount="690000.00")  # fmt: skip
    s.milestone_deliver(actor=a.winner, milestone=m)
    expert = a.ready.experts[0]
    acc = s.acceptance_open(actor=a.purchaser, milestone=m, members=[a.purchaser],
                            experts=[expert])  # fmt: skip
    s.acceptance_report(actor=a.purchaser, acceptance=acc, passed=True, findings="合格")
    ex = login(expert)
    desk = ex.get(reverse("contracts:list")).content.decode()
    assert reverse("contracts:acceptance", args=[acc.pk]) in desk
    assert ex.get(reverse("contracts:detail", args=[k.pk])).status_code == 404
    page = ex.get(reverse("contracts:acceptance", args=[acc.pk])).content.decode()
    assert "履约验收报告" in page and "acceptance-sign" in page
    r = ex.post(reverse("contracts:acceptance_sign", args=[acc.pk]), {"password": PASSWORD})
    assert r["Location"] == reverse("contracts:acceptance", args=[acc.pk])
    acc.refresh_from_db()
    assert acc.members.get(user=expert).signed_at is not None and acc.status == "signing"
