"""Helpers for the planner's tests: slots by day and hour, problems and requests in one call.
Pure: no database."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from alongside.scheduling.planner.problem import Person, Problem, Request, Slot, Worker

DAY = date(2026, 12, 1)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    moment = DAY + timedelta(days=day)
    midnight = datetime(moment.year, moment.month, moment.day)  # noqa: DTZ001 (local time)
    return midnight + timedelta(hours=hour, minutes=minute)


def problem(
    workers: list[Worker], slots: list[Slot], people: list[Person], requests: list[Request]
) -> Problem:
    return Problem(tuple(workers), tuple(slots), tuple(people), tuple(requests))


def request(rid: str, person: str, first: int = 0, last: int = 6, skill: str | None = None):
    return Request(rid, person, DAY + timedelta(days=first), DAY + timedelta(days=last), skill)
