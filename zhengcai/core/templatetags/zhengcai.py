from django import template

from zhengcai.core.constants import AUDIT_ACTION_LABELS

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    """Chinese label of an audit action code (the code itself if none is known)."""
    return AUDIT_ACTION_LABELS.get(action, action)
