"""Results of pure functions, remembered by their arguments between builds.

A function decorated with `@pure("name", key)` computes as usual; its callers never see the
difference. Inside `with remembering(tables):` (the build's `Reuse`, handed in from the edge),
each result is kept in the table of its name under `key(*args)` (a function of everything the
result is computed from), and a later call with the same key gets it back. Outside, nothing is
kept. The tables in use are a context variable, as `decimal.localcontext` keeps its context:
set for the extent of a `with`, and never left set by a build that failed.

Used for the two pure functions that a rebuild would otherwise repeat for every record:
quote provenance (`records.mailtext.find_quote`) and Markdown fields as HTML
(`pages.markup.markdown_html`). Work that reads the Site is kept differently, with what it
read: `records.model.Site.derive`.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class Table:
    """One function's results: those of the last build that this one asks for again, and new ones."""

    __slots__ = ("old", "used")

    def __init__(self, old: dict[Any, Any]):
        self.old = old
        self.used: dict[Any, Any] = {}


class Tables:
    """The tables in use: each made when its function is first called."""

    __slots__ = ("earlier", "open")

    def __init__(self, earlier: dict[str, dict[Any, Any]]):
        self.earlier = earlier
        self.open: dict[str, Table] = {}

    def table(self, name: str) -> Table:
        try:
            return self.open[name]
        except KeyError:
            table = self.open[name] = Table(self.earlier.get(name, {}))
            return table


_TABLES: contextvars.ContextVar[Tables | None] = contextvars.ContextVar("lsfmm_memo", default=None)


def pure(name: str, key: Callable[..., Any]) -> Callable[[F], F]:
    """Remember `fn`'s results in the table `name` (while tables are in use), under `key(*args)`."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def remembered(*args: Any) -> Any:
            tables = _TABLES.get()
            if tables is None:
                return fn(*args)
            table = tables.table(name)
            k = key(*args)
            if k in table.used:
                return table.used[k]
            value = table.old[k] if k in table.old else fn(*args)
            table.used[k] = value
            return value

        return remembered  # type: ignore[return-value]

    return decorate


@contextlib.contextmanager
def remembering(earlier: dict[str, dict[Any, Any]], used: dict[str, dict[Any, Any]]) -> Iterator[None]:
    """Remember results while the `with` lasts, starting from the entries of earlier builds
    (name -> key -> result); at its end `used` holds the entries this build used or made."""
    tables = Tables(earlier)
    token = _TABLES.set(tables)
    try:
        yield
    finally:
        _TABLES.reset(token)
        used.update({name: table.used for name, table in tables.open.items()})


def digest(*parts: Any) -> bytes:
    """A key for large arguments: the SHA-256 of the parts' repr (str, bytes, int, bool, None
    and tuples of them, whose repr is exact)."""
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).digest()
