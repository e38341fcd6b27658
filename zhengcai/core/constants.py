"""Labels of the audit actions, for people reading the trail."""

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
}
