"""Background tasks of the experts app (django.tasks API)."""

from django_tasks import task


@task()
def notify_invitation(invitation_id: int) -> str:
    """Send the notice of one drawn expert (enqueued on commit of the draw round)."""
    from zhengcai.experts.services import invitation_notify

    return invitation_notify(invitation_id).notice_ref
