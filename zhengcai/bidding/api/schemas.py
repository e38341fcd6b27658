"""Request and response schemas of the bidding API (one input and one output per endpoint)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from zhengcai.bidding import constants as c
from zhengcai.core.schemas import StrictIn


class KeyIn(StrictIn):
    public_key: str = Field(description="PEM（ECDSA P-256）或 128 位十六进制（SM2）")
    label: str = ""


class KeyOut(Schema):
    key_id: str
    algo: str
    public_key: str


class PlatformKeyOut(Schema):
    algorithm: str
    public_key_pem: str


class ParticipationOut(Schema):
    id: int
    project_id: int
    lot_id: int
    status: str
    window_id: int
    window_uid: str
    deadline: dt.datetime


class FileBody(StrictIn):
    name: str = Field(min_length=1, max_length=200)
    content_b64: str
    signature: str


class BidIn(StrictIn):
    key_id: str
    schedule: dict[str, Any]
    schedule_signature: str
    files: list[FileBody] = Field(default_factory=list, max_length=c.MAX_FILES)
    fingerprint: str = Field(default="", max_length=128)


class ReceiptOut(Schema):
    bid_id: int
    status: str
    receipt: dict[str, Any]
    signature: str
    warnings: list[str] = Field(
        default_factory=list,
        description=(
            "仅在递交的应答中：中小企业声明函不完整的原因（仍予接收，但不享受中小企业扶持"
            "政策，46号 4）；声明函随投标文件密封，开标前不再显示"
        ),
    )


class BondIn(StrictIn):
    amount: Decimal
    form: str = "保函"
    payer_account: str = ""
    sme_size: c.SmeSize = c.SmeSize.NONE
    special: str = Field(default="", pattern="^(|prison_enterprise|disabled_welfare)$")


class BondOut(Schema):
    status: str
    amount: Decimal
    required_amount: Decimal


class OpeningOut(Schema):
    id: int
    status: str
    outcome: str
    record: dict[str, Any]
    record_digest: str
    platform_signature: str


class TextIn(StrictIn):
    text: str = Field(min_length=1, max_length=2000)


class RoundIn(StrictIn):
    lot_id: int
    changes: str = Field(min_length=1, max_length=5000, description="需求变更内容")
    purchaser_rep: str = Field(
        default="", max_length=60, description="确认变更的采购人代表（74号令 32；214号 18）"
    )
    final_deadline: dt.datetime | None = Field(
        default=None, description="填写则结束谈判并要求在此前密封递交最后报价（74号令 33）"
    )


class RoundOut(Schema):
    id: int
    number: int
    lot_id: int
    changes: str
    purchaser_rep: str
    recipients: list[int] = Field(description="书面通知的供应商（单位 id）")
    final_window_id: int | None
    final_window_uid: str | None
    final_deadline: dt.datetime | None
    created_at: dt.datetime


class FinalWindowOut(Schema):
    id: int
    uid: str = Field(description="签名最后报价时使用的窗口标识")
    deadline: dt.datetime
    status: str
    accepting: bool
    opening_id: int | None
    opening_status: str | None
    opening_outcome: str | None


class RecipientOut(Schema):
    participation_id: int
    supplier_id: int
    supplier_name: str
    state: str = Field(description="submitted | opened | pending | missing | eliminated")
    bid_id: int | None
    submitted_at: dt.datetime | None


class RoundViewOut(Schema):
    id: int
    number: int
    changes: str
    purchaser_rep: str
    created_at: dt.datetime
    recipient_count: int | None = Field(description="送达家数（供应商看不到）")
    final_window: FinalWindowOut | None
    recipients: list[RecipientOut] = Field(description="供应商只看到自己")


class RoundParticipationOut(Schema):
    id: int
    supplier_id: int
    supplier_name: str
    status: str
    eliminated_reason: str
    eliminated_at: dt.datetime | None


class LotRoundsOut(Schema):
    lot_id: int
    lot_number: int
    lot_name: str
    participations: list[RoundParticipationOut]
    rounds: list[RoundViewOut]


class EliminateIn(StrictIn):
    reason: str = Field(max_length=2000, description="淘汰理由（告知该供应商）")


class BondRowOut(Schema):
    id: int
    project_id: int
    project_no: str
    lot_id: int
    lot_number: int
    supplier_id: int
    supplier_name: str
    status: str
    amount: Decimal
    required_amount: Decimal
    form: str
    paid_at: dt.datetime | None
    refund_due: dt.date | None = Field(description="应退还日（条例 33；87号令 38）")
    refunded_at: dt.datetime | None
    contract_signed_on: dt.date | None
    basis: str = Field(description="退还期限的起算依据（条例 33；87号令 38、29）")
    overdue: bool = Field(description="逾期未退：应退还日之后仍未退还")
    late: bool = Field(description="逾期退还：退还晚于应退还日")
    refund_reason: str = Field(
        description="退还事由：withdrawal | award | contract | terminated | failed（空：尚未安排）"
    )
    refund_event_on: dt.date | None = Field(description="退还期限起算日（事由发生之日）")
    document_fee: Decimal = Field(description="终止时一并退还的采购文件费用（87号令 29）")
    days_late: int = Field(
        description="逾期天数：应退还日之后至退还日（未退还的至今日）的日历天数，退还日计入"
    )
    late_interest: Decimal | None = Field(
        description=(
            "超期资金占用费（元，87号令 38）：金额 × 同期贷款基准利率 × 1.2 ÷ 360 × 逾期天数，"
            "逐日按当日适用利率累计，四舍五入到分；null 表示该期间未配置利率"
        )
    )
    interest_rate: Decimal | None = Field(description="适用年利率（%，已上浮20%）")
    interest_basis: str = Field(description="利率依据")


class BondPage(Schema):
    count: int
    items: list[BondRowOut]


class BondFilter(Schema):
    project_id: int | None = None
    overdue: bool = False
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0)


class ContractSignedIn(StrictIn):
    supplier_id: int = Field(description="中标（成交）供应商的单位 id")
    signed_on: dt.date


class PairOut(Schema):
    a: str
    b: str
    lot: int
    reasons: list[str]
