"""A task for the tests only: count that it ran (the worker subprocess imports it by path)."""

from django.tasks import task

from alongside.common.links import count_hit


@task
def note_run(number: int) -> int:
    return count_hit(f"task-ran:{number}", now=0)
