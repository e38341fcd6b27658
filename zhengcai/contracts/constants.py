"""Vocabularies, TRANSITIONS tables and error codes of the contracts app: 政府采购合同
(法 43–50; 条例 47–50, 67), 履约验收 (条例 45; 财库〔2016〕205号) and payment through the
国库集中支付 exchange."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContractKind(models.TextChoices):
    GOODS = "goods", _("货物")
    SERVICES = "services", _("服务")
    WORKS = "works", _("工程")


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("草拟")
    SIGNING = "signing", _("待签署")
    SIGNED = "signed", _("已签订")
    COMPLETED = "completed", _("履行完毕")
    TERMINATED = "terminated", _("已解除")
    VOID = "void", _("已作废")
    REVOKED = "revoked", _("已撤销")


# Contracts no longer in force: a lot may have a new one (one live contract per lot).
NOT_IN_FORCE = (ContractStatus.TERMINATED, ContractStatus.VOID, ContractStatus.REVOKED)

CONTRACT_TRANSITIONS: dict[str, set[str]] = {
    # an unsigned contract whose award was superseded (a challenge or complaint voided the
    # result, 94号令 16, 32) is void; a signed one is ended (解除) or, signed but not yet
    # performed, revoked (撤销) by a complaint decision (94号令 32 (三))
    ContractStatus.DRAFT: {ContractStatus.SIGNING, ContractStatus.VOID},
    ContractStatus.SIGNING: {ContractStatus.SIGNED, ContractStatus.DRAFT, ContractStatus.VOID},
    ContractStatus.SIGNED: {
        ContractStatus.COMPLETED,
        ContractStatus.TERMINATED,
        ContractStatus.REVOKED,
    },
    ContractStatus.COMPLETED: set(),
    ContractStatus.TERMINATED: set(),
    ContractStatus.VOID: set(),
    ContractStatus.REVOKED: set(),
}


class Party(models.TextChoices):
    PURCHASER = "purchaser", _("采购人（甲方）")
    SUPPLIER = "supplier", _("供应商（乙方）")


class SecurityForm(models.TextChoices):
    """履约保证金 in a non-cash form (条例 48)."""

    NONE = "none", _("不收取")
    GUARANTEE = "guarantee", _("银行保函")
    INSURANCE = "insurance", _("保证保险")
    CHEQUE = "cheque", _("支票")
    DRAFT = "draft", _("汇票")
    PROMISSORY = "promissory", _("本票")


class MilestoneKind(models.TextChoices):
    DELIVERY = "delivery", _("交付")
    PERFORMANCE = "performance", _("履约")


class MilestoneStatus(models.TextChoices):
    PENDING = "pending", _("待交付")
    DELIVERED = "delivered", _("已交付待验收")
    ACCEPTED = "accepted", _("验收合格")
    REJECTED = "rejected", _("验收不合格")
    CANCELLED = "cancelled", _("已取消")


MILESTONE_TRANSITIONS: dict[str, set[str]] = {
    MilestoneStatus.PENDING: {MilestoneStatus.DELIVERED, MilestoneStatus.CANCELLED},
    MilestoneStatus.DELIVERED: {
        MilestoneStatus.ACCEPTED,
        MilestoneStatus.REJECTED,
        MilestoneStatus.CANCELLED,
    },
    # rectification: delivered again for a new acceptance
    MilestoneStatus.REJECTED: {MilestoneStatus.DELIVERED, MilestoneStatus.CANCELLED},
    MilestoneStatus.ACCEPTED: set(),
    MilestoneStatus.CANCELLED: set(),
}


class AcceptanceStatus(models.TextChoices):
    OPEN = "open", _("验收中")
    SIGNING = "signing", _("验收报告待签署")
    PASSED = "passed", _("验收合格")
    FAILED = "failed", _("验收不合格")


ACCEPTANCE_TRANSITIONS: dict[str, set[str]] = {
    AcceptanceStatus.OPEN: {AcceptanceStatus.SIGNING},
    AcceptanceStatus.SIGNING: {AcceptanceStatus.PASSED, AcceptanceStatus.FAILED},
    AcceptanceStatus.PASSED: set(),
    AcceptanceStatus.FAILED: set(),
}


class Remedy(models.TextChoices):
    """What follows a failed acceptance (财库〔2016〕205号; 法 50 ⚠)."""

    RECTIFY = "rectify", _("限期整改后重新验收")
    DEDUCT = "deduct", _("从履约保证金中扣除")
    TERMINATE = "terminate", _("解除合同")


class PaymentStatus(models.TextChoices):
    REQUESTED = "requested", _("已申请")
    APPROVED = "approved", _("采购人已审核")
    SENT = "sent", _("已送国库支付")
    PAID = "paid", _("已支付")
    REFUSED = "refused", _("采购人退回")
    RETURNED = "returned", _("国库退回")


PAYMENT_TRANSITIONS: dict[str, set[str]] = {
    PaymentStatus.REQUESTED: {PaymentStatus.APPROVED, PaymentStatus.REFUSED},
    PaymentStatus.APPROVED: {PaymentStatus.SENT},
    PaymentStatus.SENT: {PaymentStatus.PAID, PaymentStatus.RETURNED},
    PaymentStatus.RETURNED: {PaymentStatus.APPROVED, PaymentStatus.REFUSED},
    PaymentStatus.PAID: set(),
    PaymentStatus.REFUSED: set(),
}

ERR_NOT_AWARDED = "contract_not_awarded"
ERR_EXISTS = "contract_exists"
ERR_SIGNING_BLOCKED = "contract_signing_blocked"
ERR_SECURITY_CAP = "performance_security_over_cap"
ERR_SECURITY_FORM = "performance_security_cash"
ERR_SUPPLEMENT_OVER = "supplement_over_limit"
ERR_SUPPLEMENT_BASIS = "supplement_basis_required"
ERR_BAD_SIGNATURE = "contract_bad_signature"
ERR_BAD_KEY = "contract_bad_key"
ERR_ALREADY_SIGNED = "contract_already_signed"
ERR_NOT_PARTY = "contract_not_party"
ERR_AMOUNT = "contract_amount_invalid"
ERR_TEMPLATE = "contract_template_invalid"
ERR_TEAM = "acceptance_team_invalid"
ERR_EXPERTS_REQUIRED = "acceptance_experts_required"
ERR_BAD_PASSWORD = "acceptance_bad_password"
ERR_REMEDY = "acceptance_remedy_invalid"
ERR_PAYMENT = "payment_invalid"
ERR_TREASURY_FILE = "treasury_file_invalid"
ERR_NOT_DRAFT = "contract_not_draft"
ERR_NOT_SIGNING = "contract_not_signing"
ERR_ANNOUNCE = "contract_announce_invalid"
ERR_FILE = "contract_file_invalid"
ERR_NOT_SIGNED = "contract_not_signed"
ERR_CLOSED = "contract_closed"
ERR_OPEN_MILESTONES = "contract_open_milestones"

AUDIT_ACTION_LABELS: dict[str, str] = {
    "contract.draft": "草拟政府采购合同",
    "contract.signing": "合同提交签署",
    "contract.draft_again": "撤回合同修改",
    "contract.signed": "合同签订（双方电子签名）",
    "contract.completed": "合同履行完毕",
    "contract.void": "合同作废（中标、成交结果已变更）",
    "contract.terminated": "解除合同",
    "contract.party_signed": "合同一方电子签名",
    "contract.announced": "发布合同公告",
    "contract.filed": "合同备案",
    "contract.overdue": "合同期限逾期",
    "contract.supplement": "签订补充合同",
    "contract.key_register": "登记合同签名公钥",
    "contract.updated": "修改合同草稿",
    "contract.template": "保存合同范本",
    "contract.milestone": "设置履约节点",
    "milestone.delivered": "交付（履约节点）",
    "milestone.accepted": "履约节点验收合格",
    "milestone.rejected": "履约节点验收不合格",
    "milestone.cancelled": "履约节点取消",
    "acceptance.open": "组织履约验收",
    "acceptance.signing": "验收报告提交签署",
    "acceptance.passed": "验收合格",
    "acceptance.failed": "验收不合格",
    "acceptance.member_signed": "验收小组成员签署",
    "acceptance.remedy": "验收不合格的处理",
    "payment.requested": "申请支付",
    "payment.approved": "采购人审核支付申请",
    "payment.sent": "支付指令送国库",
    "payment.paid": "国库已支付",
    "payment.refused": "采购人退回支付申请",
    "payment.returned": "国库退回支付指令",
    "payment.late": "支付逾期",
}
