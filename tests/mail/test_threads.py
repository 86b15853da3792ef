"""Thread order: depth first from the roots, siblings by their earliest date, every message
once, however long the chain or however many the cycles."""

import datetime as dt

from generator.mail.threads import thread_order

T0 = dt.datetime(2026, 4, 28, tzinfo=dt.UTC)


def test_a_long_chain_is_in_reply_order():
    n = 20_000
    nodes = {f"m{k}": (f"m{k - 1}" if k else None, T0 + dt.timedelta(minutes=k)) for k in reversed(range(n))}
    assert thread_order(nodes) == [f"m{k}" for k in range(n)]


def test_siblings_go_by_the_earliest_date_in_their_subtree():
    nodes = {
        "root": (None, T0),
        "late": ("root", T0 + dt.timedelta(hours=3)),
        "early": ("root", T0 + dt.timedelta(hours=2)),
        "under-late": ("late", T0 + dt.timedelta(hours=1)),  # a wrong clock: the subtree counts
        "lost": ("not-here", None),
    }
    assert thread_order(nodes) == ["root", "late", "under-late", "early", "lost"]


def test_cycles_of_in_reply_to_are_each_entered_once():
    nodes: dict[str, tuple[str | None, dt.datetime | None]] = {}
    for k in range(0, 2000, 2):
        nodes[f"a{k:04d}"] = (f"a{k + 1:04d}", None)
        nodes[f"a{k + 1:04d}"] = (f"a{k:04d}", None)
    nodes["root"] = (None, T0)
    order = thread_order(nodes)
    assert order[:5] == ["root", "a0000", "a0001", "a0002", "a0003"]
    assert sorted(order) == sorted(nodes)
