"""The one error type: a problem with a place (file, line, column) and a message.

Every stage appends problems to a `Problems` list instead of raising, so that one run reports
all of them; the CLI prints them sorted and exits 1.
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


class LsfError(Exception):
    """Raised when a stage cannot go on; carries every problem found so far."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class UsageError(Exception):
    """Bad command-line usage (exit code 2)."""
