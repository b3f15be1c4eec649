"""Errors the engine raises, each with a place in a policy file when it has one."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class PolicyProblem:
    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


class PolicyError(Exception):
    """The policy set cannot be served: it does not compile or breaks a check."""

    def __init__(self, problems: list[PolicyProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class BackendError(Exception):
    """The Rego backend failed while evaluating a decision."""


_LOCATION = re.compile(r"-->\s*(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+)")


def clean_engine_message(text: str) -> str:
    """Strip the Rust backtrace regorus appends when RUST_BACKTRACE is set."""
    return text.split("\nStack backtrace:")[0].split("\n\nCaused by:")[0].strip()


def problem_from_engine(text: str, fallback_file: str) -> PolicyProblem:
    """Turn a regorus error (which carries `--> file:line:col`) into a problem."""
    cleaned = clean_engine_message(text)
    match = _LOCATION.search(cleaned)
    lines = [ln for ln in cleaned.splitlines() if ln.startswith("error:")]
    message = lines[-1].removeprefix("error:").strip() if lines else cleaned.splitlines()[-1] if cleaned else "error"
    if match:
        return PolicyProblem(match["file"].strip(), int(match["line"]), int(match["col"]), message)
    return PolicyProblem(fallback_file, 1, 1, message)
