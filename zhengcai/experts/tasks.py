"""Background tasks of the experts app (django.tasks API)."""

from django_tasks import task

from zhengcai.experts.notices import invitation_notify


@task()
def notify_invitation(invitation_id: int) -> str:
    """Send the notice of one drawn expert (enqueued on commit of the draw round)."""
    return invitation_notify(invitation_id).notice_ref
