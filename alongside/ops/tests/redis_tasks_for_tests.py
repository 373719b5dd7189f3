"""A task for the Redis queue test: pure, so the worker subprocess needs no database."""

from django.tasks import task


@task
def double(number: int) -> int:
    return number * 2
