"""Every `curl`, `govshare`, `make` and `cp` example in README.md (its sh blocks and
its inline code) is runnable as written: files it names exist in the repository or are
made by an example before it, `govshare` commands and options exist (and answer
`--help`), `make` targets exist, and `curl` calls an endpoint the service has. So
placeholders such as `request.json`, `DRAFT_DIR` or `show | seed` cannot come back."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import typer.main
from starlette.routing import Match

from adapters.cli import app as cli
from adapters.service import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
MAKE_TARGETS = set(re.findall(r"^([A-Za-z0-9_.-]+):", (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8"), re.M))
ROOT = typer.main.get_command(cli)
OUTPUT_OPTIONS = {"-o", "--output", "--export"}
FILE_LIKE = re.compile(r"\.(json|ya?ml|pem|pub|tar\.gz)$")
COMMANDS = ("curl", "make", "govshare", ".venv/bin/govshare", "cp")


def readme_commands() -> list[str]:
    """The README's example commands in the order they appear: each line of its
    sh blocks (continuations joined) and each inline code span that is a command."""
    found: list[tuple[int, str]] = []
    prose = README
    for block in re.finditer(r"```sh\n(.*?)```", README, re.S):
        found += [(block.start(), line) for line in block.group(1).replace("\\\n", " ").splitlines()]
        prose = prose[:block.start()] + " " * (block.end() - block.start()) + prose[block.end():]
    prose = re.sub(r"```.*?```", lambda m: " " * len(m.group(0)), prose, flags=re.S)  # other blocks (json, yaml)
    for span in re.finditer(r"`([^`]+)`", prose):
        text = span.group(1).replace("\n", " ")
        if text.split(" ", 1)[0] in COMMANDS and " " in text:
            found.append((span.start(), text))
    commands = []
    for _, line in sorted(found, key=lambda item: item[0]):
        words = shlex.split(line, comments=True)
        if words:
            commands.append(line)
    return commands


def segments(words: list[str]) -> list[list[str]]:
    """A command line split at `|`, `&&` and `;`."""
    parts: list[list[str]] = [[]]
    for word in words:
        if word in ("|", "&&", ";"):
            parts.append([])
        else:
            parts[-1].append(word)
    return [p for p in parts if p]


# typer carries its own copy of click (typer._click), so its commands are looked at by
# what they have: a group has `commands`, a parameter its annotation and `param_type_name`.


def is_path(param) -> bool:
    descriptor = getattr(param, "type_descriptor", None)
    return descriptor is not None and descriptor.annotation is Path


def resolve(words: list[str]) -> tuple[list[str], object, list[str]]:
    """`govshare [--lang x] group sub args…` → (the command's path, the command, its own args)."""
    args = list(words[1:])
    while args and args[0] == "--lang":
        args = args[2:]
    path: list[str] = []
    command = ROOT
    while getattr(command, "commands", None) and args and args[0] in command.commands:
        path.append(args[0])
        command = command.commands[args.pop(0)]
    return path, command, args


class Files:
    """Files the README's examples read, and those earlier examples made."""

    def __init__(self) -> None:
        self.made: set[str] = set()

    def need(self, name: str, where: str) -> None:
        name = name.lstrip("@")
        assert name in self.made or (PROJECT_ROOT / name).exists(), f"{where}: {name} does not exist and no example before makes it"

    def make(self, name: str) -> None:
        self.made.add(name.rstrip("/"))


def check_govshare(words: list[str], files: Files, line: str) -> list[str]:
    path, command, args = resolve(words)
    assert path, f"{line}: not a govshare command"
    assert not getattr(command, "commands", None) or command.invoke_without_command, f"{line}: `{' '.join(path)}` needs a subcommand"
    if ">" in args:
        files.make(args[args.index(">") + 1])
        args = args[:args.index(">")]
    try:  # click's own parsing: unknown options, missing or extra arguments
        command.make_context(" ".join(["govshare", *path]), list(args), resilient_parsing=False)
    except Exception as exc:  # typer's click raises its UsageError (or Exit for --help)
        if type(exc).__name__ != "Exit":
            pytest.fail(f"{line}: {getattr(exc, 'format_message', lambda: str(exc))()}")
    options = {opt: param for param in command.params for opt in param.opts}
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    positional = 0
    i = 0
    while i < len(args):
        word = args[i]
        name = word.split("=", 1)[0]
        if name in options and not options[name].is_flag:
            value = word.split("=", 1)[1] if "=" in word else args[i + 1]
            i += 1 if "=" in word else 2
            if name in OUTPUT_OPTIONS:
                files.make(value)
            elif is_path(options[name]) or FILE_LIKE.search(value):
                files.need(value, line)
            continue
        if not word.startswith("-"):
            param = arguments[min(positional, len(arguments) - 1)] if arguments else None
            if (param is not None and is_path(param)) or FILE_LIKE.search(word) or "/" in word:
                if word != "-":
                    files.need(word, line)
            positional += 0 if param is not None and param.nargs == -1 else 1
        i += 1
    return path


def check_curl(words: list[str], files: Files, line: str, app) -> None:
    method = words[words.index("-X") + 1] if "-X" in words else "GET"
    (url,) = [w for w in words if w.startswith("http://") or w.startswith("https://")]
    path = urlsplit(url).path
    scope = {"type": "http", "path": path, "method": method, "root_path": ""}
    assert any(route.matches(scope)[0] == Match.FULL for route in app.routes), f"{line}: no endpoint {method} {path}"
    for flag in ("-d", "--data", "--data-binary"):
        if flag in words and words[words.index(flag) + 1].startswith("@"):
            files.need(words[words.index(flag) + 1], line)


def test_the_readme_has_examples_to_check():
    commands = readme_commands()
    assert sum(c.startswith("curl") for c in commands) >= 5
    assert sum("govshare" in c.split(" ", 1)[0] for c in commands) >= 15
    assert any(c.startswith("make ") for c in commands)


def test_every_readme_example_names_real_files_commands_targets_and_endpoints(app):
    files = Files()
    checked = 0
    for line in readme_commands():
        for words in segments(shlex.split(line, comments=True)):
            program = words[0]
            if program in ("govshare", ".venv/bin/govshare"):
                check_govshare(words, files, line)
            elif program == "make":
                targets = [w for w in words[1:] if "=" not in w and not w.startswith("-")]
                assert all(t in MAKE_TARGETS for t in targets), f"{line}: no make target {targets}"
            elif program == "curl":
                check_curl(words, files, line, app)
            elif program == "cp":
                source, target = [w for w in words[1:] if not w.startswith("-")]
                files.need(source, line)
                files.make(target)
            else:
                pytest.fail(f"{line}: `{program}` after a pipe: an example must be one command")
            checked += 1
    assert checked >= 25


def test_every_govshare_command_in_the_readme_answers_help():
    paths = set()
    for line in readme_commands():
        words = shlex.split(line, comments=True)
        if words[0] in ("govshare", ".venv/bin/govshare"):
            paths.add(tuple(resolve(words)[0]))
    assert {("demo", "reset"), ("impact",), ("calendar", "seed"), ("calendar", "show")} <= paths
    from typer.testing import CliRunner

    runner = CliRunner()
    for path in sorted(paths):
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)


@pytest.mark.parametrize("placeholder", ["govshare eval request.json", "impact --policies DRAFT_DIR", "calendar add 2027 FILE"])
def test_a_placeholder_is_caught(placeholder, app):
    files = Files()
    with pytest.raises(AssertionError):
        check_govshare(shlex.split(f"govshare {placeholder.split('govshare ')[-1]}"), files, placeholder)


def test_a_pipe_of_two_commands_is_caught():
    assert segments(shlex.split(".venv/bin/govshare calendar show | seed 2026")) == [
        [".venv/bin/govshare", "calendar", "show"], ["seed", "2026"]]
