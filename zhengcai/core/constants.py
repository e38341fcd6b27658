"""Labels of the audit actions, for people reading the trail.

An action is "<entity>.<verb>". A full label wins; otherwise the label is built from the
entity's and the verb's labels (apps whose transitions write "<entity>.<status>").

Each app may contribute its own labels: dictionaries `AUDIT_ACTION_LABELS`,
`AUDIT_ENTITY_LABELS` and `AUDIT_VERB_LABELS` in its `constants.py` are merged with the ones
below (core names no app; it reads INSTALLED_APPS)."""

import importlib
from functools import cache

AUDIT_ACTION_LABELS = {
    "login.succeeded": "登录成功",
    "login.failed": "登录失败",
    "account.locked": "账号锁定",
    "account.unlocked": "账号解锁",
    "otp.secret_generated": "生成动态口令密钥",
    "otp.enabled": "启用动态口令",
    "otp.disabled": "停用动态口令",
    "api_token.created": "创建 API 令牌",
    "api_token.revoked": "吊销 API 令牌",
    "organization.created": "登记单位",
    "organization.updated": "修改单位信息",
    "organization.status_changed": "变更单位状态",
    "user.created": "创建用户",
    "user.activated": "启用用户",
    "user.deactivated": "停用用户",
    "calendar.override_set": "录入节假日调整",
    "calendar.override_deleted": "删除节假日调整",
    "demo.seeded": "加载演示数据",
    "catalog.item.created": "新增品目",
    "catalog.item.updated": "修改品目",
    "catalog.item.activated": "启用品目",
    "catalog.item.deactivated": "停用品目",
    "catalog.items.loaded": "导入品目目录",
    "catalog.threshold.created": "设定限额标准",
    "catalog.threshold.updated": "修改限额标准",
    "catalog.threshold.closed": "限额标准到期",
    "catalog.centralized.created": "新增集中采购目录品目",
    "catalog.centralized.updated": "修改集中采购目录品目",
    "catalog.centralized.deleted": "删除集中采购目录品目",
    "catalog.centralized.copied": "沿用上年集中采购目录",
    "catalog.standard.created": "设定资产配置标准",
    "catalog.standard.updated": "修改资产配置标准",
    "catalog.standard.closed": "资产配置标准到期",
    "catalog.standard.deleted": "删除资产配置标准",
    "demo.experts_seeded": "加载演示专家",
    "expert.registered": "专家登记",
    "expert.imported": "专家批量导入",
    "expert.updated": "修改专家信息",
    "expert.status_changed": "变更专家状态",
    "expert.conflict_recorded": "登记回避关系",
    "expert.unavailability_added": "登记不可评审时间",
    "expert.unavailability_removed": "撤销不可评审时间",
    "expert_pool.shared": "专家库共享",
    "expert_pool.share_revoked": "撤回专家库共享",
    "expert_draw.committed": "提交抽取申请（公布种子哈希）",
    "expert_draw.bidders_set": "登记投标人（回避）",
    "expert_draw.started": "开始抽取",
    "expert_draw.round": "抽取一轮",
    "expert_draw.complete": "抽取完成",
    "expert_draw.failed": "抽取失败",
    "expert_draw.cancelled": "取消抽取",
    "expert_draw.reopened": "专家退出后重新抽取",
    "expert_draw.seed_revealed": "公开抽取种子",
    "expert_invitation.notified": "通知专家",
    "expert_invitation.confirmed": "专家确认参加",
    "expert_invitation.declined": "专家拒绝参加",
    "expert_invitation.expired": "专家逾期未答复",
    "expert_invitation.withdrawn": "专家退出",
    "expert_invitation.cancelled": "随抽取取消邀请",
    "expert_rating.created": "评价专家",
    "expert_rating.replied": "专家回复评价",
    "expert_incident.recorded": "登记专家不良记录",
    "commission.sent": "委托代理机构",
    "commission.accepted": "代理机构接收委托",
    "commission.declined": "代理机构退回委托",
    "commission.overdue": "委托事项逾期提示",
    "plan.commissioned": "采购计划已委托",
    "project.comment_opened": "公开征求意见",
    "project.two_supplier_basis": "设定2家供应商例外情形",
    "comment.submitted": "提交采购文件意见",
    "comment.answered": "答复采购文件意见",
    "bidding.key_register": "登记签名密钥",
    "bidding.participation_register": "报名参与",
    "bidding.participation_eliminate": "淘汰供应商",
    "bidding.bid_submit": "递交响应文件",
    "bidding.bid_withdraw": "撤回响应文件",
    "bidding.bond_record": "登记保证金",
    "bidding.bond_refund": "退还保证金",
    "bidding.bond_contract_signed": "登记合同签订（中标人保证金退还起算）",
    "bidding.opening_start": "开标",
    "bidding.opening_not_opened": "不予开标",
    "bidding.opening_sign": "签署开标记录",
    "bidding.objection_raise": "提出开标异议",
    "bidding.objection_answer": "答复开标异议",
    "bidding.round_create": "发出谈判/磋商轮次",
    "bidding.round_confirm": "采购人代表确认变动",
    "evaluation.open": "组建评审委员会",
    "evaluation.member_declare": "签署回避声明",
    "evaluation.chair_elect": "推选评审组长",
    "evaluation.start": "评审开始",
    "evaluation.check_record": "资格/符合性审查意见",
    "evaluation.review_close": "审查结束",
    "evaluation.score_submit": "提交评分",
    "evaluation.scoring_close": "评分结束",
    "evaluation.flag_settle": "复核评分偏差",
    "evaluation.abnormal_justify": "提交异常低价说明",
    "evaluation.abnormal_decide": "认定异常低价说明",
    "evaluation.conclude": "形成评审结论",
    "evaluation.report_sign": "签署评审报告",
    "evaluation.signed": "评审报告签署完成",
    "evaluation.award_confirm": "采购人确定中标（成交）供应商",
    "evaluation.failed": "评审失败（有效供应商不足）",
    "evaluation.member_absent": "评审成员缺席",
    "evaluation.member_replace": "更换评审成员",
    "evaluation.replacement_round": "补充抽取专家",
    "evaluation.stop": "终止评审",
    "expert_invitation.released": "解除专家邀请并补抽",
    "bidding.bond_refund_scheduled": "安排退还保证金",
    "bidding.bond_refund_cancelled": "取消退还保证金（重新递交）",
    "calendar_year.imported": "导入年度放假安排",
    "calendar_year.confirmed": "确认年度放假安排",
    "deadline.recomputed": "按确认的放假安排重算期限",
    "deadline.settled": "暂定期限确定",
    "clock.sandbox_advanced": "调整沙盒时钟",
    "clock.sandbox_set": "设定沙盒时钟起点",
    "penalty.proposed": "登记拟处罚",
    "penalty.in_force": "作出处罚决定",
    "penalty.expired": "处罚期满",
    "penalty.revoked": "撤销处罚决定",
}

AUDIT_ENTITY_LABELS = {
    "budget_line": "预算",
    "plan": "采购计划",
    "approval": "审批申请",
    "commission": "委托",
    "intention": "采购意向",
    "split_case": "化整为零线索",
    "plan_policy": "计划管理参数",
    "project": "采购项目",
    "lot": "采购包",
    "document": "采购文件",
    "finding": "合规审查问题",
    "clarification": "澄清",
    "bidding.window": "投标截止窗口",
    "bidding.bid": "投标（响应）文件",
}

AUDIT_VERB_LABELS = {
    "created": "创建",
    "updated": "修改",
    "imported": "Excel 导入",
    "import_finished": "Excel 导入完成",
    "submitted": "报送",
    "approved": "批准",
    "returned": "退回",
    "cancelled": "作废/撤销",
    "refused": "不予批准",
    "withdrawn": "撤回",
    "publicity": "开始公示",
    "published": "公开",
    "commissioned": "委托代理机构",
    "sent": "委托代理机构",
    "accepted": "代理机构接收",
    "declined": "代理机构退回",
    "overdue": "逾期提示",
    "attachment_added": "上传附件",
    "objection_recorded": "收到公示异议",
    "contracted_recorded": "登记合同金额",
    "paid_recorded": "登记支付金额",
    "recorded": "记录线索",
    "saved": "保存",
    "added": "新增",
    "removed": "删除",
    "built": "生成",
    "checked": "合规审查",
    "downloaded": "下载",
    "fixed": "已修改",
    "justified": "书面说明理由",
    "asked": "提问",
    "answered": "答复",
    "corrected": "更正",
    "documents_ready": "定稿",
    "bidding_closed": "投标截止",
    "opened": "已开标",
    "evaluating": "进入评审",
    "awarded": "确定中标（成交）",
    "failed": "废标/采购失败",
    "terminated": "终止",
    "draft": "退回编制",
    "active": "恢复进行",
    "flagged": "标记疑点",
}


@cache
def _labels() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    from django.conf import settings

    actions, entities, verbs = dict(AUDIT_ACTION_LABELS), dict(AUDIT_ENTITY_LABELS), {}
    verbs.update(AUDIT_VERB_LABELS)
    for app in settings.INSTALLED_APPS:
        if not app.startswith("zhengcai.") or app == "zhengcai.core":
            continue
        try:
            module = importlib.import_module(f"{app}.constants")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.constants":
                raise
            continue
        actions.update(getattr(module, "AUDIT_ACTION_LABELS", {}))
        entities.update(getattr(module, "AUDIT_ENTITY_LABELS", {}))
        verbs.update(getattr(module, "AUDIT_VERB_LABELS", {}))
    return actions, entities, verbs


def audit_action_label(action: str) -> str:
    """Chinese label of an audit action code (the code itself if nothing is known)."""
    actions, entities, verbs = _labels()
    if action in actions:
        return actions[action]
    entity, _, verb = action.rpartition(".")
    if entity in entities and verb in verbs:
        return f"{entities[entity]}{verbs[verb]}"
    return action
