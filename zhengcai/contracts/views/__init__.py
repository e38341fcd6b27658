"""Pages of the contracts app: one view function per operation (design §4)."""

from zhengcai.contracts.views.contracts import (
    contract_announce,
    contract_draft,
    contract_file,
    contract_issue,
    contract_sign,
    contract_sign_demo,
    contract_update,
    party_key_register,
    supplement_add,
)
from zhengcai.contracts.views.pages import (
    acceptance_page,
    contract_detail,
    contract_list,
    contract_sign_page,
    public_detail,
    public_list,
)
from zhengcai.contracts.views.performance import (
    acceptance_open,
    acceptance_remedy,
    acceptance_report,
    acceptance_sign,
    milestone_add,
    milestone_deliver,
    payment_approve,
    payment_refuse,
    payment_request,
)

__all__ = [
    "acceptance_open",
    "acceptance_page",
    "acceptance_remedy",
    "acceptance_report",
    "acceptance_sign",
    "contract_announce",
    "contract_detail",
    "contract_draft",
    "contract_file",
    "contract_issue",
    "contract_list",
    "contract_sign",
    "contract_sign_demo",
    "contract_sign_page",
    "contract_update",
    "milestone_add",
    "milestone_deliver",
    "party_key_register",
    "payment_approve",
    "payment_refuse",
    "payment_request",
    "public_detail",
    "public_list",
    "supplement_add",
]
