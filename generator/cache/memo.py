"""Results of pure functions, remembered by their arguments between builds.

A function decorated with `@pure("name", key)` computes as usual; its callers never see the
difference. While a table is open under its name, each result is kept there under `key(*args)`
(a function of everything the result is computed from), and a later call with the same key
gets it back. A build opens the tables: the incremental layer (`generator.cache.incremental`) fills
them from its cache file and saves them again; a build without it (`build.Clean`) starts them
empty and drops them at its end. Outside a build nothing is kept.

Used for the two pure functions that a rebuild would otherwise repeat for every record:
quote provenance (`mailtext.find_quote`) and Markdown fields as HTML (`markup.markdown_html`).
Work that reads the Site is kept differently, with what it read: `model.Site.derive`.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class Table:
    """One function's results: those of the last build that this one asks for again, and new ones."""

    __slots__ = ("old", "used")

    def __init__(self, old: dict[Any, Any]):
        self.old = old
        self.used: dict[Any, Any] = {}


_open: dict[str, Table] = {}
NAMES: set[str] = set()  # every name a function was declared with


def pure(name: str, key: Callable[..., Any]) -> Callable[[F], F]:
    """Remember `fn`'s results in the table `name` (when open), under `key(*args)`."""
    NAMES.add(name)

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def remembered(*args: Any) -> Any:
            table = _open.get(name)
            if table is None:
                return fn(*args)
            k = key(*args)
            if k in table.used:
                return table.used[k]
            value = table.old[k] if k in table.old else fn(*args)
            table.used[k] = value
            return value

        return remembered  # type: ignore[return-value]

    return decorate


def open_tables(tables: dict[str, dict[Any, Any]]) -> None:
    """Start remembering, from the entries of earlier builds (name -> key -> result)."""
    _open.clear()
    _open.update({name: Table(tables.get(name, {})) for name in NAMES})


def close_tables() -> dict[str, dict[Any, Any]]:
    """Stop remembering; returns the entries this build used or made, to keep for the next."""
    used = {name: table.used for name, table in _open.items()}
    _open.clear()
    return used


def digest(*parts: Any) -> bytes:
    """A key for large arguments: the SHA-256 of the parts' repr (str, bytes, int, bool, None
    and tuples of them, whose repr is exact)."""
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).digest()
