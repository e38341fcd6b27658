"""Writes of the contracts app, one topic module per aggregate:

* `contracts` — templates, drafting, issuing, both parties' signatures, announcement, filing,
  supplementary contracts, the contract timed check;
* `acceptance` — milestones, delivery, acceptance teams, signed reports, remedies;
* `payments` — payment requests, approval, the late-payment timed check;
* `treasury` — the 国库集中支付 file exchange.

Every status changes through its machine in `machines` (core.transitions)."""

from zhengcai.contracts.services.acceptance import (
    acceptance_open,
    acceptance_remedy,
    acceptance_report,
    acceptance_sign,
    contract_complete,
    milestone_add,
    milestone_deliver,
    report_text,
)
from zhengcai.contracts.services.contracts import (
    contract_announce,
    contract_draft,
    contract_file,
    contract_issue,
    contract_sign,
    contract_timed,
    contract_update,
    contract_withdraw,
    contracts_revoke,
    notice_fields,
    party_key_register,
    signature_valid,
    supplement_add,
    template_for,
    template_save,
)
from zhengcai.contracts.services.demo_signing import contract_sign_demo
from zhengcai.contracts.services.machines import ACCEPTANCE, CONTRACT, MILESTONE, PAYMENT
from zhengcai.contracts.services.payments import (
    payment_approve,
    payment_refuse,
    payment_request,
    payment_timed,
)
from zhengcai.contracts.services.treasury import (
    CONFIRMATION_FORMAT,
    PAYMENT_FORMAT,
    Imported,
    treasury_dir,
    treasury_export,
    treasury_import,
    treasury_tick,
)

__all__ = [
    "ACCEPTANCE",
    "CONFIRMATION_FORMAT",
    "CONTRACT",
    "MILESTONE",
    "PAYMENT",
    "PAYMENT_FORMAT",
    "Imported",
    "acceptance_open",
    "acceptance_remedy",
    "acceptance_report",
    "acceptance_sign",
    "contract_announce",
    "contract_complete",
    "contract_draft",
    "contract_file",
    "contract_issue",
    "contract_sign",
    "contract_sign_demo",
    "contract_timed",
    "contract_update",
    "contract_withdraw",
    "contracts_revoke",
    "milestone_add",
    "milestone_deliver",
    "notice_fields",
    "party_key_register",
    "payment_approve",
    "payment_refuse",
    "payment_request",
    "payment_timed",
    "report_text",
    "signature_valid",
    "supplement_add",
    "template_for",
    "template_save",
    "treasury_dir",
    "treasury_export",
    "treasury_import",
    "treasury_tick",
]
