"""Background tasks (django.tasks API). The periodic `clock` command enqueues `tick`."""

from django_tasks import task

from zhengcai.core import timed


@task()
def tick() -> int:
    """The one periodic task: run every timed transition that is due."""
    return timed.process_due()
