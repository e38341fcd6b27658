"""Background tasks (django.tasks API). The periodic `clock` command enqueues `tick`."""

from django_tasks import task

from zhengcai.core import timed
from zhengcai.core.middleware import idempotency_purge


@task()
def tick() -> int:
    """The one periodic task: run every timed transition that is due, then housekeeping."""
    handled = timed.process_due()
    idempotency_purge()
    return handled
