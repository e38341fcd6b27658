"""Labels of the audit actions, for people reading the trail.

An action is "<entity>.<verb>". A full label below wins; otherwise the label is built from the
entity's and the verb's labels (apps whose transitions write "<entity>.<status>")."""

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
    "expert_draw.committed": "提交抽取申请（公布种子哈希）",
    "expert_draw.bidders_set": "登记投标人（回避）",
    "expert_draw.started": "开始抽取",
    "expert_draw.round": "抽取一轮",
    "expert_draw.complete": "抽取完成",
    "expert_draw.failed": "抽取失败",
    "expert_draw.cancelled": "取消抽取",
    "expert_draw.seed_revealed": "公开抽取种子",
    "expert_invitation.notified": "通知专家",
    "expert_invitation.confirmed": "专家确认参加",
    "expert_invitation.declined": "专家拒绝参加",
    "expert_invitation.expired": "专家逾期未答复",
    "expert_invitation.withdrawn": "专家退出",
    "expert_rating.created": "评价专家",
    "expert_rating.replied": "专家回复评价",
    "expert_incident.recorded": "登记专家不良记录",
    "commission.sent": "委托代理机构",
    "commission.accepted": "代理机构接收委托",
    "commission.declined": "代理机构退回委托",
    "commission.overdue": "委托事项逾期提示",
    "plan.commissioned": "采购计划已委托",
}

AUDIT_ENTITY_LABELS = {
    "budget_line": "预算",
    "plan": "采购计划",
    "approval": "审批申请",
    "commission": "委托",
    "intention": "采购意向",
    "split_case": "化整为零线索",
    "plan_policy": "计划管理参数",
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
}


def audit_action_label(action: str) -> str:
    """Chinese label of an audit action code (the code itself if nothing is known)."""
    if action in AUDIT_ACTION_LABELS:
        return AUDIT_ACTION_LABELS[action]
    entity, _, verb = action.rpartition(".")
    if entity in AUDIT_ENTITY_LABELS and verb in AUDIT_VERB_LABELS:
        return f"{AUDIT_ENTITY_LABELS[entity]}{AUDIT_VERB_LABELS[verb]}"
    return action
