"""Run the `test_*` rules of the policies (regorus has no `opa test`)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Callable

from .backend import RegoBackend
from .policyset import PolicySet

_TEST_RULE = re.compile(r"^(test_\w+)\b", re.MULTILINE)


@dataclass(frozen=True)
class RegoTestResult:
    package: str
    name: str
    file: str
    line: int
    passed: bool
    error: str | None = None

    @property
    def id(self) -> str:
        return f"{self.package}.{self.name}"


def discover(policies: PolicySet) -> list[tuple[str, str, str, int]]:
    """(package, rule, file, line) for every test rule, in file order."""
    found = []
    for package, rego in sorted(policies.test_packages.items()):
        seen = set()
        for match in _TEST_RULE.finditer(rego.text):
            name = match.group(1)
            if name in seen:
                continue
            seen.add(name)
            found.append((package, name, rego.path, rego.text.count("\n", 0, match.start()) + 1))
    return found


def run_rego_tests(
    policies: PolicySet,
    backend: RegoBackend,
    on_result: Callable[[RegoTestResult], None] | None = None,
) -> list[RegoTestResult]:
    """Evaluate every test rule with no data but the statutory parameters (so
    a test that replaces `data.govshare` still reads the shipped values); a
    test passes only if it is `true`."""
    backend.load(policies.modules, json.dumps(policies.root_data()))
    results = []
    for package, name, file, line in discover(policies):
        try:
            value = backend.evaluate(f"data.{package}.{name}", "{}")
            result = RegoTestResult(package, name, file, line, value is True, None if value is True else f"result was {value!r}, not true")
        except Exception as exc:  # an error in a test is a failed test, with its message
            result = RegoTestResult(package, name, file, line, False, str(exc))
        results.append(result)
        if on_result:
            on_result(result)
    return results
