"""What can go wrong, and how it reaches the user: problems with the data, and one exception tree.

- A `Problem` is one thing wrong with the data, with its place (file, line, column). Every
  stage appends problems to a `Problems` list instead of raising, so that one run reports all
  of them.
- `LsfError` is the root of every error the tool reports on purpose. Each subclass has its exit
  code and the shape of its message (`lines()`); `cli.main` catches `LsfError` once and prints
  those lines to standard error (`serve` too, for a rebuild that fails: it goes on serving).
  An `OSError` is the machine's (a full disk, a permission) and is printed as it is; anything
  else is a bug: `main` prints its traceback and asks for a report.

    LsfError                 exit 1  "Error: <message>"
    ├── UsageError           exit 2  "Usage error: <message>"  (bad arguments, an unknown id for `new`)
    ├── DataError            exit 1  every problem, then "Failed: 2 errors; nothing was written."
    ├── WriteError           exit 1  "Error: <message>"  (a file in the way, a file that changed meanwhile)
    ├── InputError           exit 1  "Error: <message>; nothing was written."  (import-mbox cannot go on,
    │                                 or the briefs cannot be laid out)
    ├── EditError            exit 1  "Error: <message>"  (a hand-written YAML file an edit cannot extend)
    └── SiteError            exit 1  MkDocs' log, then "Error: mkdocs build failed; site/ was left as it was."
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data: where it is and what was expected versus found."""

    path: str
    line: int  # 1-based; 0 when the problem concerns the whole file
    column: int  # 1-based; 0 when unknown
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        kind = "warning: " if self.warning else ""
        return f"{where}: {kind}{self.message}"


@dataclass
class Problems:
    """Collects problems across all stages."""

    items: list[Problem] = field(default_factory=list)

    def error(self, path: str, line: int, message: str, column: int = 0) -> None:
        self.items.append(Problem(path, line, column, message))

    def warn(self, path: str, line: int, message: str, column: int = 0) -> None:
        self.items.append(Problem(path, line, column, message, warning=True))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.warning]

    def sorted(self) -> list[Problem]:
        return sorted(set(self.items))

    def failed(self, strict: bool) -> bool:
        """True when the data must not be used: an error, or with `strict` a warning."""
        return any(not p.warning or strict for p in self.items)

    def report(self, strict: bool) -> list[str]:
        """Every problem, sorted, then one summary line (nothing when there is no problem)."""
        errors, warnings = len(self.errors), len(self.warnings)
        if not errors and not warnings:
            return []
        failed = self.failed(strict)
        parts = []
        if errors:
            parts.append(f"{errors} error{'s' * (errors != 1)}")
        if warnings:
            parts.append(
                f"{warnings} warning{'s' * (warnings != 1)}" + (" (--strict: warnings fail)" if strict else "")
            )
        tail = "; nothing was written" if failed else ""
        summary = f"{'Failed' if failed else 'Passed'}: {' and '.join(parts)}{tail}."
        return [str(p) for p in self.sorted()] + [summary]


class LsfError(Exception):
    """An error reported to the user as it is: no traceback."""

    exit_code = 1

    def lines(self) -> list[str]:
        """What is printed to standard error."""
        return [f"Error: {self}"]


class UsageError(LsfError):
    """Bad command-line usage: an option, a folder or an id that cannot be used."""

    exit_code = 2

    def lines(self) -> list[str]:
        return [f"Usage error: {self}"]


def data_problem(path: str, line: int, message: str) -> DataError:
    """A DataError of one problem at one place (a command that finds it in the data)."""
    problems = Problems()
    problems.error(path, line, message)
    return DataError(problems, summary="Failed: 1 error; nothing was written.")


class DataError(LsfError):
    """The data has problems (or, with --strict, warnings): every one is shown with its place,
    then the summary (counted, unless one is given; "" for none), then what to do next."""

    def __init__(
        self, problems: Problems | None = None, strict: bool = False, hint: str = "", summary: str | None = None
    ):
        self.problems = problems if problems is not None else Problems()
        super().__init__(summary or f"{len(self.problems.items)} problems in the data")
        self.strict = strict
        self.hint = hint
        self.summary = summary

    def lines(self) -> list[str]:
        if self.summary is None:
            lines = self.problems.report(self.strict)
        else:
            lines = [str(p) for p in self.problems.sorted()] + ([self.summary] if self.summary else [])
        return lines + ([self.hint] if self.hint else [])


class WriteError(LsfError):
    """A file cannot be written as asked: outside the places the generator owns, in the way of a
    hand-written file, or changed by someone else meanwhile."""


class InputError(LsfError):
    """Work on input other than the data cannot go on, and nothing was written: import-mbox (the
    choice of thread, a file it must extend), or the PDF engine (missing, or a brief it could
    not lay out cleanly)."""

    def lines(self) -> list[str]:
        return [f"Error: {self}; nothing was written."]


class EditError(LsfError):
    """A hand-written YAML file has a shape that an edit by the generator cannot extend without
    rewriting it (import-mbox adds to people.yaml and thread files line by line)."""


class SiteError(LsfError):
    """MkDocs failed to build the site; its own log says why."""

    def __init__(self, log: str, site_dir: str):
        super().__init__("mkdocs build failed")
        self.log = log
        self.site_dir = site_dir

    def lines(self) -> list[str]:
        head = [self.log.rstrip("\n")] if self.log.strip() else []
        return [*head, f"Error: mkdocs build failed; {self.site_dir}/ was left as it was."]
