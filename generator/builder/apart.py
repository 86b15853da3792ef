"""Work done in a forked child process, its outcome handed back: the child's memory is the
system's again when it ends. The generation of a summit holds its records (most of a gigabyte
at ten times M); a site phase started in the same process would fork its page workers from
that, each of them counting it again. The child dies with its parent (a kill included)."""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with(parent: int) -> None:
    """In a child, first: end when the process that forked it ends, a kill included (Linux's
    parent-death signal). Without it, a child of a killed build would go on writing into
    folders the next build cleans up."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # it ended before the signal was asked for
        os._exit(1)


@dataclass
class Outcome(Generic[T]):
    """What the work gave (or the exception it raised), and what `also` gave after it."""

    value: T | None
    error: BaseException | None
    also: Any

    def result(self) -> T:
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


def can_fork() -> bool:
    """Forking is possible and safe here: a POSIX system, and no other thread (a forked child
    of a threaded process may find a lock held for ever)."""
    return hasattr(os, "fork") and threading.active_count() == 1


def in_child(work: Callable[[], T], also: Callable[[], Any] = lambda: None) -> Outcome[T]:
    """work() in a forked child, then also() there whatever work did (what it has to say
    besides: its warnings); both handed back pickled through a pipe. Where forking is not
    possible, both run here. An exception the work raised is raised again here, as itself
    (with the child's traceback as a note when it is not one the tool reports on purpose)."""
    if not can_fork():
        return _outcome(work, also)
    parent = os.getpid()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 0
        try:
            os.close(read_end)
            die_with(parent)
            signal.signal(signal.SIGINT, signal.default_int_handler)  # the parent's interrupt ends it (below)
            data = _pickled(_outcome(work, also))
            with os.fdopen(write_end, "wb") as fh:
                fh.write(data)
        except BaseException:  # nothing may escape into the parent's code
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as fh:
            data = fh.read()
    except BaseException:  # interrupted (an interrupt sent to this process alone): so is the work,
        # which then discards what it staged, as it would here, instead of finishing and writing it
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGINT)
        raise
    finally:
        _, status = os.waitpid(pid, 0)
    if not data and os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
        from generator.errors import LsfError

        raise LsfError(
            "the build's generation process was killed (SIGKILL: most often the system's out-of-memory "
            "killer, which the kernel log names); build again when the machine has the memory free"
        )
    if not data:
        how = (
            f"signal {os.WTERMSIG(status)}"
            if os.WIFSIGNALED(status)
            else f"exit code {os.waitstatus_to_exitcode(status)}"
        )
        raise RuntimeError(f"the build's generation process ended without a result ({how})")
    value, error, also_value = pickle.loads(data)
    return Outcome(value, _raised(error) if error is not None else None, also_value)


def _outcome(work: Callable[[], T], also: Callable[[], Any]) -> Outcome[T]:
    value: T | None = None
    error: BaseException | None = None
    try:
        value = work()
    except BaseException as exc:  # handed back, raised there
        error = exc
    return Outcome(value, error, also())


def _pickled(outcome: Outcome[Any]) -> bytes:
    exc = outcome.error
    error: tuple[str, Any] | None = None
    if isinstance(exc, OSError):  # pickled as itself: its errno and file names come along
        error = ("itself", exc)
    elif exc is not None:
        from generator.errors import LsfError

        state = dict(getattr(exc, "__dict__", {}))
        if not isinstance(exc, (LsfError, KeyboardInterrupt)):
            state["__notes__"] = [
                *state.get("__notes__", []),
                "In the generation process:\n" + "".join(traceback.format_exception(exc)).rstrip(),
            ]
        error = ("rebuilt", (type(exc), exc.args, state))
    try:
        return pickle.dumps((outcome.value, error, outcome.also), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as bad:  # a value that cannot cross: said as a bug
        text = "".join(traceback.format_exception(bad))
        return pickle.dumps((None, ("rebuilt", (RuntimeError, (text,), {})), outcome.also))


def _raised(error: tuple[str, Any]) -> BaseException:
    """The exception as it was raised in the child: as itself, or rebuilt from its class,
    arguments and attributes (not through its __init__, whose parameters may differ from its
    args)."""
    how, what = error
    if how == "itself":
        return what
    cls, args, state = what
    exc = cls.__new__(cls)
    exc.args = args
    exc.__dict__.update(state)
    return exc
