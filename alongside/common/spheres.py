"""Fail-closed managers for sphere models.

A sphere model's default manager refuses unscoped reads: any query that has not been
scoped with `.visible_to(user)` (or explicitly `.for_system(reason)` by trusted code such
as migrations, the demo builder and the audit verifier) raises `UnscopedSphereRead`.
"""

from typing import Any

from django.db import models


class UnscopedSphereRead(Exception):
    """A sphere record was read without naming who is reading."""


class SphereQuerySet(models.QuerySet[Any]):
    _scoped: bool = False

    def _clone(self) -> "SphereQuerySet":
        clone: SphereQuerySet = super()._clone()  # type: ignore[misc]
        clone._scoped = self._scoped
        return clone

    def scoped(self) -> "SphereQuerySet":
        """Mark as scoped. Only `queries.py` visibility functions and `for_system` call this."""
        clone = self._clone()
        clone._scoped = True
        return clone

    def for_system(self, reason: str) -> "SphereQuerySet":
        """Trusted, non-user reads (demo builder, retention, tests of storage). Reason is required."""
        if not reason.strip():
            raise UnscopedSphereRead("for_system() needs a reason")
        return self.scoped()

    def _fetch_all(self) -> None:
        self._check()
        super()._fetch_all()

    def _check(self) -> None:
        if not self._scoped:
            raise UnscopedSphereRead(
                f"{self.model.__name__} is a {self.model.SPHERE} sphere record: read it through "
                "its app's queries.py, naming the viewer."
            )

    def count(self) -> int:
        self._check()
        return super().count()

    def exists(self) -> bool:
        self._check()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._check()
        return super().aggregate(*args, **kwargs)

    def iterator(self, chunk_size: int | None = None) -> Any:
        self._check()
        return super().iterator(chunk_size=chunk_size)

    def update(self, **kwargs: Any) -> int:
        self._check()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._check()
        return super().delete()


class SphereManager(models.Manager.from_queryset(SphereQuerySet)):  # type: ignore[misc]
    pass


def system_rows(model: type[models.Model], reason: str) -> models.QuerySet[Any]:
    """Every row of any model, read by trusted code for `reason`: a sphere model's fail-closed
    manager is opened with `for_system`, any other model's read as it is. For code that walks
    models it does not know (merging two people, moving what hangs off a contact)."""
    manager = model._default_manager
    if isinstance(manager, SphereManager):
        rows: models.QuerySet[Any] = manager.for_system(reason)
        return rows
    return model._base_manager.all()
