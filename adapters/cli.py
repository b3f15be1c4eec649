"""`govshare` command line: evaluate an event, check and test the policies, serve.

Chinese first; `--lang en` switches. Errors go to stderr with a non-zero exit,
never as a stack trace.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from contextvars import ContextVar
from typing import Optional

import orjson
import typer
from pydantic import ValidationError
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from engine.decide import EventError
from engine.errors import PolicyError
from engine.models import AccessEvent, Decision

from .http.errors import describe_errors, malformed_json_field
from .service import PROJECT_ROOT, Settings, SettingsError, build_service
from .storage.store import REQUESTED_BY, SERVICE_CALLER, StorageError

app = typer.Typer(
    help="govshare：政务数据共享许可决策引擎 / policy engine for government data sharing.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

CLI_CALLER = {"token": None, "name": "cli"}


# The language chosen before the command (`govshare --lang en check`).
_GLOBAL_LANG: ContextVar[Optional[str]] = ContextVar("govshare_cli_lang", default=None)


@app.callback()
def _as_cli(
    ctx: typer.Context,
    lang: Optional[str] = typer.Option(None, "--lang", help="输出语言 zh | en，默认取 GOVSHARE_LANG，再默认中文 / output language; default: GOVSHARE_LANG, then zh"),
) -> None:
    # What the command writes to the ledger records the CLI as who asked (no token).
    reset = REQUESTED_BY.set(CLI_CALLER)
    ctx.call_on_close(lambda: REQUESTED_BY.reset(reset))
    chosen = _GLOBAL_LANG.set(lang)
    ctx.call_on_close(lambda: _GLOBAL_LANG.reset(chosen))

LangOption = typer.Option(None, "--lang", help="输出语言 zh | en，默认取 GOVSHARE_LANG，再默认中文 / output language; default: GOVSHARE_LANG, then zh")
PoliciesOption = typer.Option(None, "--policies", help="策略目录 / policy directory (default: ./policies)")

_WORDS = {
    "outcome": {"zh": "结论", "en": "Outcome"},
    "allow": {"zh": "允许", "en": "allow"},
    "deny": {"zh": "禁止", "en": "deny"},
    "needs_action": {"zh": "需补正", "en": "needs action"},
    "indeterminate": {"zh": "无法判断（按拒绝处理）", "en": "indeterminate (treated as deny)"},
    "article": {"zh": "条款", "en": "Article"},
    "code": {"zh": "规则", "en": "Rule"},
    "message": {"zh": "说明", "en": "Explanation"},
    "remedy": {"zh": "整改", "en": "Remedy"},
    "liability": {"zh": "责任", "en": "Liability"},
    "violations": {"zh": "违规", "en": "Violations"},
    "breaches": {"zh": "已发生的违规（不阻止本次行为）", "en": "Breaches already committed (do not block this act)"},
    "obligations": {"zh": "附带义务", "en": "Obligations"},
    "none": {"zh": "无", "en": "none"},
    "bad_event": {"zh": "事件不符合要求", "en": "The event is not valid"},
    "bad_json": {"zh": "文件不是合法的 JSON", "en": "The file is not valid JSON"},
    "no_file": {"zh": "读不到文件", "en": "Cannot read the file"},
    "policy_error": {"zh": "策略无法加载", "en": "The policies cannot be loaded"},
    "storage_error": {"zh": "数据库无法使用", "en": "The database cannot be used"},
}


def word(key: str, lang: str) -> str:
    return _WORDS[key][lang]


def _check_lang(lang: Optional[str]) -> str:
    """The output language: the command's --lang, else the one given before the
    command, else GOVSHARE_LANG, else Chinese."""
    chosen = lang or _GLOBAL_LANG.get() or os.environ.get("GOVSHARE_LANG") or "zh"
    if chosen not in ("zh", "en"):
        err.print(f"语言只能是 zh 或 en（收到 {chosen}；--lang 或 GOVSHARE_LANG）/ the language must be zh or en "
                  f"(got {chosen}; --lang or GOVSHARE_LANG)", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2)
    return chosen


def _settings(policies: Optional[Path]) -> Settings:
    settings = Settings()
    if policies is not None:
        settings.policy_dir = policies
    return settings


def _fail(title: str, lines: list[str], code: int = 2) -> None:
    # soft_wrap: a message is one line however narrow the terminal, never broken mid-sentence.
    err.print(f"[bold red]{title}[/]", soft_wrap=True)
    for line in lines:
        err.print(f"  {line}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _service(policies: Optional[Path], lang: str):
    try:
        return build_service(_settings(policies))
    except SettingsError as exc:
        _fail({"zh": "配置有误", "en": "Bad configuration"}[lang], [str(exc)])
    except PolicyError as exc:
        _fail(word("policy_error", lang), [str(p) for p in exc.problems])
    except StorageError as exc:
        _fail(word("storage_error", lang), [str(exc)])


def cite(article: Optional[int], paragraph: Optional[int], item: Optional[int], regulation: str, lang: str) -> str:
    if article is None:
        return "—"
    from engine.regulations import REGULATIONS

    law = REGULATIONS.get(regulation)
    zh_name, en_name = (f"《{law.name_zh}》", "GDSR" if regulation == "gdsr" else law.name_en) if law else (regulation, regulation)
    if lang == "zh":
        text = f"{zh_name}第{article}条"
        text += f"第{paragraph}款" if paragraph else ""
        text += f"第{item}项" if item else ""
        return text
    text = f"{en_name} art. {article}"
    text += f"({paragraph})" if paragraph else ""
    text += f" item {item}" if item else ""
    return text


def print_decision(decision: Decision, lang: str) -> None:
    colour = {"allow": "green", "deny": "red", "needs_action": "yellow", "indeterminate": "magenta"}[decision.outcome]
    out.print(Panel.fit(
        f"[bold {colour}]{word('outcome', lang)}: {word(decision.outcome, lang)}[/]\n"
        f"decision_id {decision.decision_id}\n"
        f"law_version {decision.law_version}   policy {decision.policy_revision[:19]}…   data {decision.data_revision[:19]}…",
        title="govshare",
    ))
    for key, found in (("violations", decision.violations), ("breaches", decision.breaches)):
        if not found:
            continue
        table = Table(title=word(key, lang), show_lines=True)
        for column in ("article", "code", "message", "remedy", "liability"):
            table.add_column(word(column, lang), overflow="fold")
        for v in found:
            table.add_row(
                cite(v.article, v.paragraph, v.item, v.regulation, lang),
                v.code,
                getattr(v.message, lang),
                getattr(v.remedy, lang),
                v.liability or "—",
            )
        out.print(table)
    if decision.obligations:
        table = Table(title=word("obligations", lang), show_lines=True)
        for key in ("article", "code", "message"):
            table.add_column(word(key, lang), overflow="fold")
        for o in decision.obligations:
            table.add_row(cite(o.article, o.paragraph, None, o.regulation, lang), o.code, getattr(o.message, lang))
        out.print(table)


def read_event(path: str, lang: str) -> AccessEvent:
    try:
        raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        _fail(word("no_file", lang), [f"{path}: {exc.strerror}"])
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        where = malformed_json_field(raw, exc.pos, exc.msg) if isinstance(exc.pos, int) else None
        _fail(word("bad_json", lang), [f"{path}:{where['line']}:{where['column']}: {exc.msg}" if where else f"{path}: {exc}"])
    try:
        return AccessEvent.model_validate(document)
    except ValidationError as exc:
        problems = describe_errors(exc.errors())
        _fail(word("bad_event", lang), [f"{p['field']}: {p['problem'][lang]}" for p in problems])


@app.command("eval")
def eval_command(
    request: str = typer.Argument(..., help="事件 JSON 文件，- 为标准输入 / event JSON file, - for stdin"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / print JSON"),
    lang: str = LangOption,
    policies: Optional[Path] = PoliciesOption,
) -> None:
    """对一个事件作出决策 / decide one access event.

    Exit code: 0 allow, 1 deny / needs_action / indeterminate, 2 bad input."""
    lang = _check_lang(lang)
    event = read_event(request, lang)
    service = _service(policies, lang)
    try:
        decision = service.engine.decide(event)
    except EventError as exc:
        _fail(word("bad_event", lang), [f"{exc.field}: {exc.zh if lang == 'zh' else exc.en}"])
    if as_json:
        out.print_json(decision.model_dump_json())
    else:
        print_decision(decision, lang)
    raise typer.Exit(0 if decision.allow else 1)


def _load_policies(policies: Optional[Path], lang: str):
    """Load and check the policy set, or exit 1 listing every problem."""
    from engine.policyset import load_policy_set

    from .regorus_backend import RegorusBackend

    try:
        return load_policy_set(_settings(policies).policy_dir, RegorusBackend())
    except PolicyError as exc:
        _fail(word("policy_error", lang), [str(p) for p in exc.problems], code=1)


def _print_problems(problems: list, root: Path, lang: str) -> None:
    """Every problem as file:line:col, then the offending line and a caret."""
    from .workbench import problem_excerpt

    title = {"zh": f"策略无法加载：{len(problems)} 个问题", "en": f"The policies cannot be loaded: {len(problems)} problem(s)"}
    err.print(f"[bold red]{title[lang]}[/]")
    for problem in problems:
        err.print(f"[bold]{problem.file}:{problem.line}:{problem.col}[/]: {problem.message}", highlight=False)
        excerpt = problem_excerpt(root, problem)
        if excerpt:
            source, caret = excerpt
            gutter = f"{problem.line:>5} | "
            err.print(gutter + source, markup=False, highlight=False)
            err.print(" " * (len(gutter)) + caret, markup=False, highlight=False, style="bold red")


def _load_checked(policies: Optional[Path], lang: str):
    """Load the policy set; on problems print each with its source and exit 1."""
    from engine.policyset import load_policy_set

    from .regorus_backend import RegorusBackend

    root = _settings(policies).policy_dir
    try:
        return load_policy_set(root, RegorusBackend())
    except PolicyError as exc:
        _print_problems(exc.problems, root, lang)
        raise typer.Exit(1)


@app.command("check")
def check_command(lang: str = LangOption, policies: Optional[Path] = PoliciesOption) -> None:
    """编译并检查全部策略 / compile and check every policy.

    每个问题给出 文件:行:列、出错的源代码行和指示列的 ^；任何问题均以非零状态退出。"""
    lang = _check_lang(lang)
    policy_set = _load_checked(policies, lang)
    msg = {"zh": f"策略检查通过：{len(policy_set.rules)} 条规则，修订 {policy_set.revision}",
           "en": f"Policies OK: {len(policy_set.rules)} rules, revision {policy_set.revision}"}
    out.print(f"[green]{msg[lang]}[/]")


def _pct(value: Optional[float]) -> str:
    return "—" if value is None else f"{value:.1f}%"


@app.command("test")
def test_command(
    lang: str = LangOption,
    policies: Optional[Path] = PoliciesOption,
    features: bool = typer.Option(True, "--features/--no-features", help="同时运行 Gherkin 场景 / also run the scenarios"),
    min_coverage: Optional[float] = typer.Option(None, "--min-coverage", help="策略行覆盖率下限（%）/ minimum line coverage, percent"),
    show_files: bool = typer.Option(False, "--files", help="列出每个规则文件的覆盖率 / coverage of every rule file"),
) -> None:
    """运行全部 Rego test_* 规则与场景，按条文报告，并给出策略行覆盖率 /
    run every Rego test rule and every scenario, report per article, with line coverage."""
    lang = _check_lang(lang)
    from .workbench import run_test_report

    policy_set = _load_checked(policies, lang)
    if features:
        out.print({"zh": "正在运行场景（tests/bdd）…", "en": "Running the scenarios (tests/bdd)…"}[lang], style="dim")
    report = run_test_report(policy_set, PROJECT_ROOT, features=features)
    results, failed = report.results, report.failed
    for r in failed:
        err.print(f"[red]FAIL[/] {r.file}:{r.line} {r.id}: {r.error}", highlight=False)
    for s in report.scenarios_failed:
        err.print(f"[red]FAIL[/] features/{s.feature}:{s.line} {s.name}", highlight=False)

    headers = {"zh": ("条文", "标题", "规则", "Rego 测试 通过/失败", "场景 通过/失败", "覆盖率"),
               "en": ("Article", "Title", "Rules", "Rego tests passed/failed", "Scenarios passed/failed", "Coverage")}[lang]
    table = Table(title={"zh": "按条文的测试报告", "en": "Test report by article"}[lang], show_lines=False)
    for header in headers:
        table.add_column(header, overflow="fold")
    for row in report.articles:
        label = (f"第{row.article}条" if row.regulation == "gdsr" else f"{row.regulation} 第{row.article}条") if lang == "zh" \
            else f"{row.regulation} art {row.article}"
        bad = row.tests_failed or row.scenarios_failed
        scen = "—" if report.scenarios is None else f"{row.scenarios_passed}/{row.scenarios_failed}"
        table.add_row(label, row.title[lang], "\n".join(row.rules) or "—", f"{row.tests_passed}/{row.tests_failed}", scen,
                      _pct(row.coverage), style="red" if bad else None)
    out.print(table)
    if show_files:
        files = Table(title={"zh": "规则文件覆盖率", "en": "Coverage per rule file"}[lang])
        for header in {"zh": ("文件", "已覆盖行", "行", "覆盖率"), "en": ("File", "Covered", "Lines", "Coverage")}[lang]:
            files.add_column(header, overflow="fold")
        for cov in sorted(report.coverage.values(), key=lambda c: (c.percent, c.path)):
            files.add_row(cov.path, str(cov.covered), str(cov.total), _pct(cov.percent))
        out.print(files)
    else:
        low = sorted((c for c in report.coverage.values() if c.total and c.percent < 100), key=lambda c: c.percent)[:10]
        for cov in low:
            out.print(f"  {cov.path}: {_pct(cov.percent)} ({cov.covered}/{cov.total})", highlight=False)

    summary = {"zh": f"Rego 测试：{len(results) - len(failed)} 通过，{len(failed)} 失败",
               "en": f"Rego tests: {len(results) - len(failed)} passed, {len(failed)} failed"}
    out.print(f"[{'red' if failed else 'green'}]{summary[lang]}[/]")
    scenario_failed = False
    if report.scenarios is not None:
        bad = len(report.scenarios_failed)
        good = len(report.scenarios) - bad
        scenario_failed = bad > 0
        out.print(f"[{'red' if bad else 'green'}]" + {"zh": f"场景：{good} 通过，{bad} 失败", "en": f"Scenarios: {good} passed, {bad} failed"}[lang] + "[/]")
    elif report.feature_error:
        scenario_failed = True
        err.print({"zh": "[red]场景无法运行：[/]", "en": "[red]The scenarios could not run:[/] "}[lang] + report.feature_error, highlight=False)
    total = report.coverage_percent
    rule_files = sum(1 for c in report.coverage.values() if c.total)
    out.print({"zh": f"策略行覆盖率：{total:.1f}%（{rule_files} 个文件）", "en": f"Policy line coverage: {total:.1f}% ({rule_files} files)"}[lang])
    too_low = min_coverage is not None and total < min_coverage
    if too_low:
        err.print({"zh": f"[red]覆盖率 {total:.1f}% 低于要求的 {min_coverage:g}%[/]",
                   "en": f"[red]Coverage {total:.1f}% is below the required {min_coverage:g}%[/]"}[lang])
    raise typer.Exit(1 if failed or not results or scenario_failed or too_low else 0)


def _parse_since(value: Optional[str], lang: str):
    if value is None:
        return None
    from datetime import datetime as _dt

    from engine.models import BEIJING

    try:
        moment = _dt.fromisoformat(value)
    except ValueError:
        _fail({"zh": "--since 不是合法的日期", "en": "--since is not a valid date"}[lang], [f"{value} (e.g. 2026-03-01 or 2026-03-01T08:00:00+08:00)"])
    return moment if moment.tzinfo else moment.replace(tzinfo=BEIJING)


@app.command("impact")
def impact_command(
    draft: Optional[Path] = typer.Option(None, "--policies", help="草案策略目录 / the draft policy directory"),
    parameters: Optional[Path] = typer.Option(None, "--parameters", help="草案法定参数文件或目录 / a draft statutory parameter file or directory"),
    since: Optional[str] = typer.Option(None, "--since", help="只重放此后记录的决策 / replay decisions logged since (ISO date)"),
    limit: Optional[int] = typer.Option(None, "--limit", help="最多重放最近 N 条决策 / replay at most the latest N decisions"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON / print JSON"),
    examples: int = typer.Option(3, "--examples", help="每组示例数 / examples per group"),
    lang: str = LangOption,
    database: Optional[str] = typer.Option(None, "--db", help="数据库 URL，默认按配置 / database URL (default: configured)"),
) -> None:
    """草案策略的影响分析：用草案重放台账中的全部决策，列出结论或违规发生变化的决策（按条文、按部门），
    并检查现有授权在草案下是否仍可使用 / replay the logged decisions on draft policies and re-check live grants.

    `--parameters` 以草案法定参数（期限等）代替现行取值，可单用或与 --policies 同用 /
    `--parameters` replays on draft statutory parameters (periods), alone or with --policies.

    Exit 0 when the draft changes nothing, 1 when it does, 2 on bad input or a draft that does not compile."""
    lang = _check_lang(lang)
    from engine.parameters import with_parameters
    from engine.policyset import load_policy_set
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from .regorus_backend import RegorusBackend
    from .storage.store import Store
    from .workbench import impact

    moment = _parse_since(since, lang)
    if draft is None and parameters is None:
        _fail({"zh": "须给出 --policies 或 --parameters", "en": "Give --policies or --parameters"}[lang], [])
    draft = draft or _settings(None).policy_dir
    if not draft.is_dir() or next(draft.rglob("*.rego"), None) is None:
        # Replaying every decision on no rules at all would list each one as changed.
        _fail({"zh": f"{draft} 不是策略目录（其中没有 .rego 文件），不作影响分析",
               "en": f"{draft} is not a policy directory (it holds no .rego file); no impact analysis"}[lang], [])
    try:
        draft_set = load_policy_set(draft, RegorusBackend())
        if parameters is not None:
            draft_set = with_parameters(draft_set, parameters)
    except PolicyError as exc:
        err.print({"zh": "[bold red]草案策略无法编译或未通过检查，不作影响分析。[/]",
                   "en": "[bold red]The draft policies do not compile or fail the checks; no impact analysis.[/]"}[lang])
        _print_problems(exc.problems, draft, lang)
        raise typer.Exit(2)
    live_set = _load_checked(None, lang)
    try:
        store = Store(database or Settings().url)
    except StorageError as exc:
        _fail(word("storage_error", lang), [str(exc)])
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  transient=True, console=err, disable=as_json) as progress:
        task = progress.add_task({"zh": "重放决策", "en": "Replaying decisions"}[lang], total=None)
        report = impact(store, draft_set, live_set, since=moment, limit=limit,
                        accept_inline_state=Settings().accept_inline_state,
                        on_total=lambda n: progress.update(task, total=n),
                        on_step=lambda: progress.advance(task))
    changed = bool(report.by_draft or report.grants_refused)
    if as_json:
        out.print_json(json.dumps(report.as_json(examples), ensure_ascii=False))
        raise typer.Exit(1 if changed else 0)
    _print_impact(report, lang, examples)
    raise typer.Exit(1 if changed else 0)


def _article_label(key: str, lang: str) -> str:
    if ":" not in key:
        return key
    regulation, number = key.split(":", 1)
    if lang == "zh":
        return f"第{number}条" if regulation == "gdsr" else f"{regulation} 第{number}条"
    return f"{regulation} art {number}"


def _print_impact(report, lang: str, examples: int) -> None:
    zh = lang == "zh"
    out.print(Panel.fit(
        (f"草案修订 {report.draft_revision[:19]}…（现行 {report.live_revision[:19]}…）\n"
         f"重放 {report.replayed} 条决策：{len(report.changes)} 条变化，{report.unchanged} 条不变，{len(report.skipped)} 条无法重放")
        if zh else
        (f"Draft revision {report.draft_revision[:19]}… (live {report.live_revision[:19]}…)\n"
         f"Replayed {report.replayed} decisions: {len(report.changes)} changed, {report.unchanged} unchanged, {len(report.skipped)} could not be replayed"),
        title={"zh": "影响分析", "en": "Impact"}[lang],
    ))
    data_only = len(report.changes) - len(report.by_draft)
    if data_only:
        out.print(f"[yellow]其中 {data_only} 条变化在现行策略下重放也同样出现，来自此后变化的数据（如授权被暂停），并非草案所致（标记“数据”）。[/]" if zh else
                  f"[yellow]{data_only} of the changes also appear when replaying on the live policies: they come from data that changed since (e.g. a suspended grant), not from the draft (marked \"data\").[/]",
                  highlight=False)
    if report.masked:
        out.print(f"[yellow]{report.masked} 条决策的输入在记录时已脱敏（**MASKED**），按脱敏后的值重放，结果可能与原始输入不同。[/]" if zh else
                  f"[yellow]{report.masked} logged inputs were masked (**MASKED**) before logging; they were replayed with the masked values, which may not match the original inputs.[/]",
                  highlight=False)
    for title, groups, label in (
        ({"zh": "按条文", "en": "By article"}[lang], report.by_article(examples), lambda k: _article_label(k, lang)),
        ({"zh": "按部门", "en": "By department"}[lang], report.by_department(examples), lambda k: k),
    ):
        if not groups:
            continue
        table = Table(title=title, show_lines=True)
        for header in ({"zh": ("分组", "数量", "变化", "示例（决策编号：之前 → 之后）"),
                        "en": ("Group", "Count", "Transitions", "Examples (decision id: before → after)")}[lang]):
            table.add_column(header, overflow="fold")
        for group in groups:
            transitions = "\n".join(f"{k}: {v}" for k, v in group["transitions"].items())
            shown = "\n".join(
                f"{e['decision_id'][:12]}: {e['before']} → {e['after']}"
                + (f"  +{','.join(e['added'])}" if e["added"] else "") + (f"  -{','.join(e['removed'])}" if e["removed"] else "")
                + ({"zh": "（数据）", "en": " (data)"}[lang] if e["data_only"] else "")
                for e in group["examples"])
            count = str(group["count"]) if group["by_draft"] == group["count"] else \
                ({"zh": f"{group['count']}（草案 {group['by_draft']}）", "en": f"{group['count']} (draft {group['by_draft']})"}[lang])
            table.add_row(label(group["key"]), count, transitions, shown)
        out.print(table)
    for item in report.skipped[:examples]:
        err.print(f"  {item['decision_id']}: {item['why']}", highlight=False, markup=False)
    if report.grants_refused:
        table = Table(title={"zh": "草案将拒绝的现有授权", "en": "Live grants the draft would refuse"}[lang])
        for header in {"zh": ("授权", "目录", "部门", "现行", "草案", "规则"), "en": ("Grant", "Dataset", "Department", "Live", "Draft", "Rules")}[lang]:
            table.add_column(header, overflow="fold")
        for g in report.grants_refused:
            table.add_row(g.grant, g.dataset, g.requester, g.live, g.draft, "\n".join(g.codes))
        out.print(table)
    out.print((f"已检查 {report.grants_checked} 个有效授权：{len(report.grants_refused)} 个将被草案拒绝。" if zh else
               f"Checked {report.grants_checked} active grants: the draft would refuse {len(report.grants_refused)}."), highlight=False)


bundle_app = typer.Typer(help="OPA bundle：导出、签名与核验 / OPA bundles: export, sign, verify")
app.add_typer(bundle_app, name="bundle")


@bundle_app.callback(invoke_without_command=True)
def bundle_command(
    ctx: typer.Context,
    output: Path = typer.Option(Path("bundle.tar.gz"), "-o", "--output", help="输出文件 / output file"),
    lang: str = LangOption,
    policies: Optional[Path] = PoliciesOption,
    database: Optional[str] = typer.Option(None, "--db", help="数据库 URL，默认按配置 / database URL (default: configured)"),
    signing_key: Optional[Path] = typer.Option(None, "--signing-key", help="PEM 私钥，写出 .signatures.json / PEM private key: sign the bundle"),
    signing_alg: str = typer.Option("RS256", "--signing-alg", help="RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512"),
    key_id: Optional[str] = typer.Option(None, "--key-id", help="签名密钥编号（JWT 头 kid）/ key id (the JWT kid header)"),
) -> None:
    """导出 OPA bundle：.manifest、策略（不含 _test.rego）、汇总模块、策略数据与 data.json，可签名 / export an OPA bundle, optionally signed.

    Rego 测试有失败时不导出（bundle 不带测试，服务端无从复查）/ refused while a Rego test fails (the bundle carries no tests)."""
    if ctx.invoked_subcommand is not None:
        return
    lang = _check_lang(lang)
    from engine.regotest import run_rego_tests

    from .bundle import BundleError
    from .regorus_backend import RegorusBackend
    from .storage.store import Store
    from .workbench import write_bundle

    policy_set = _load_checked(policies, lang)
    failed = [r for r in run_rego_tests(policy_set, RegorusBackend()) if not r.passed]
    if failed:
        _fail({"zh": f"{len(failed)} 个 Rego 测试失败，未导出 bundle", "en": f"{len(failed)} Rego tests fail; no bundle written"}[lang],
              [f"{r.file}:{r.line}: {r.id}: {r.error}" for r in failed], code=1)
    try:
        settings = _settings(policies)
        store = Store(database or settings.url)
        if settings.seed_demo:
            store.seed_demo()
        snapshot = store.snapshot()
    except StorageError as exc:
        _fail(word("storage_error", lang), [str(exc)])
    try:
        manifest = write_bundle(policy_set, snapshot, output, signing_key=signing_key, signing_alg=signing_alg, key_id=key_id)
    except BundleError as exc:
        _fail({"zh": "无法签名 bundle", "en": "Cannot sign the bundle"}[lang], [str(exc)])
    except OSError as exc:
        _fail({"zh": "无法写入文件", "en": "Cannot write the file"}[lang], [f"{output}: {exc.strerror or exc}"])
    signed = {"zh": f"，已签名（{signing_alg}）", "en": f", signed ({signing_alg})"}[lang] if signing_key else ""
    out.print({"zh": f"已写出 {output}：修订 {manifest['revision']}，根 {', '.join(manifest['roots'])}{signed}",
               "en": f"Wrote {output}: revision {manifest['revision']}, roots {', '.join(manifest['roots'])}{signed}"}[lang], highlight=False)


@bundle_app.command("verify")
def bundle_verify_command(
    bundle: Path = typer.Argument(..., help="bundle 文件 / the bundle file"),
    verification_key: Path = typer.Option(..., "--verification-key", help="PEM 公钥 / PEM public key"),
    key_id: Optional[str] = typer.Option(None, "--key-id", help="应签名的密钥编号 / the key id it must be signed with"),
    lang: str = LangOption,
) -> None:
    """核验 bundle 的签名与每个文件的摘要 / verify a bundle's signature and every file's hash (exit 1 when it fails)."""
    lang = _check_lang(lang)
    from .bundle import BundleError, load_verification_key, read_manifest, unpack, verify

    try:
        archive = bundle.read_bytes()
    except OSError as exc:
        _fail({"zh": "无法读取 bundle", "en": "Cannot read the bundle"}[lang], [f"{bundle}: {exc.strerror or exc}"])
    try:
        members = unpack(archive)
        verified = verify(members, load_verification_key(verification_key), key_id)
        revision = read_manifest(members).get("revision")
    except BundleError as exc:
        _fail({"zh": "bundle 核验失败", "en": "Bundle verification failed"}[lang], [str(exc)], code=1)
    by = f" kid={verified.key_id}" if verified.key_id else ""
    out.print({"zh": f"[green]签名有效[/]：{bundle}，{verified.files} 个文件摘要相符（{verified.algorithm}{by}），修订 {revision}",
               "en": f"[green]Signature valid[/]: {bundle}, {verified.files} file hashes match ({verified.algorithm}{by}), revision {revision}"}[lang],
              highlight=False)


@app.command("articles")
def articles_command(
    lang: str = LangOption,
    policies: Optional[Path] = PoliciesOption,
    jurisdiction: Optional[str] = typer.Option(None, "--jurisdiction", help="同时列出地方规定，如 jiyuan / also show a local layer"),
    show_all: bool = typer.Option(False, "--all", help="列出全部条文 / list every article"),
    show_text: bool = typer.Option(False, "--text", help="在规则旁列出条文原文 / show each article's official text beside its rules"),
) -> None:
    """条文 → 规则 → 测试 → 场景 对照表 / the article → rules → tests → scenarios matrix.

    Exit 1 when an enforceable article has no rule, no Rego test or no scenario."""
    lang = _check_lang(lang)
    from engine.articles import article_matrix, gaps
    from engine.lawtext import article_text
    from engine.regulations import REGULATIONS

    from .service import PROJECT_ROOT

    layers = ["gdsr"]
    if jurisdiction:
        local = [r.key for r in REGULATIONS.values() if r.jurisdiction == jurisdiction]
        if not local:
            known = ", ".join(sorted(r.jurisdiction for r in REGULATIONS.values() if r.jurisdiction))
            _fail({"zh": "未知的地方规定", "en": "Unknown jurisdiction"}[lang], [f"{jurisdiction} (known: {known})"])
        layers += local
    policy_set = _load_policies(policies, lang)
    problems = []
    headers = {"zh": ("条", "章", "标题", "须执行", "规则", "Rego 测试", "场景"),
               "en": ("Art.", "Ch.", "Title", "Enforceable", "Rules", "Rego tests", "Scenarios")}[lang]
    if show_text:
        headers += ("条文原文",) if lang == "zh" else ("Official text (Chinese)",)
    for key in layers:
        law = REGULATIONS[key]
        rows = article_matrix(policy_set, PROJECT_ROOT / "features", key)
        table = Table(title=f"《{law.name_zh}》条文对照表" if lang == "zh" else f"{law.name_en}: article matrix")
        for header in headers:
            table.add_column(header, overflow="fold")
        for row in rows:
            if not (show_all or row.rules or row.scenarios or row.enforceable or row.unmarked_reason):
                continue
            missing = row.enforceable and (not row.rules or not row.tests or not row.scenarios)
            table.add_row(
                str(row.article.number),
                str(row.article.chapter),
                row.article.zh if lang == "zh" else row.article.en,
                ("是" if lang == "zh" else "yes") if row.enforceable
                else (f"否：{row.unmarked_reason[0]}" if lang == "zh" else f"no: {row.unmarked_reason[1]}") if row.unmarked_reason else "",
                "\n".join(row.rules) or "—",
                str(row.tests),
                str(len(row.scenarios)),
                *([official.text if (official := article_text(key, row.article.number)) else "—"] if show_text else []),
                style="yellow" if missing else None,
            )
        out.print(table)
        problems += gaps(rows, key)
    for problem in problems:
        err.print(f"[yellow]{problem.text(lang)}[/]", highlight=False)
    raise typer.Exit(1 if problems else 0)


calendar_app = typer.Typer(help="工作日历 / the working-day calendar", no_args_is_help=True)
app.add_typer(calendar_app, name="calendar")


@calendar_app.command("show")
def calendar_show_command(lang: str = LangOption, policies: Optional[Path] = PoliciesOption) -> None:
    """列出已知年份及其节假日、调休天数 / list the known years."""
    lang = _check_lang(lang)
    policy_set = _load_policies(policies, lang)
    table = Table(title={"zh": "工作日历", "en": "Working-day calendar"}[lang])
    for header in {"zh": ("年份", "放假（工作日）", "调休上班"), "en": ("Year", "Holidays on weekdays", "Make-up workdays")}[lang]:
        table.add_column(header)
    for year in policy_set.calendar.known_years:
        cal = policy_set.calendar.years[year]
        table.add_row(str(year), str(len(cal.holidays)), str(len(cal.workdays)))
    out.print(table)


@calendar_app.command("seed")
def calendar_seed_command(
    years: list[int] = typer.Argument(..., help="年份，如 2026 / years"),
    overwrite: bool = typer.Option(False, "--overwrite", help="覆盖已有文件 / replace existing files"),
    lang: str = LangOption,
    policies: Optional[Path] = PoliciesOption,
) -> None:
    """从 chinesecalendar 生成某年的日历文件；该包不知道的年份拒绝生成，须按国务院办公厅通知手工编写。
    Write policies/data/calendar/<year>.json from chinesecalendar; a year it does not know is refused."""
    lang = _check_lang(lang)
    from .calendar_seed import seed

    directory = _settings(policies).policy_dir / "data" / "calendar"
    try:
        written = seed(directory, years, overwrite)
    except NotImplementedError as exc:
        _fail({"zh": "chinesecalendar 没有该年份的数据：请依国务院办公厅当年的放假通知手工编写日历文件",
               "en": "chinesecalendar has no data for that year: write the file by hand from the State Council's holiday notice"}[lang], [str(exc)])
    for path in written:
        out.print(str(path))
    if not written:
        out.print({"zh": "没有写入文件（已存在；用 --overwrite 覆盖）", "en": "Nothing written (files exist; use --overwrite)"}[lang])


def print_calendar_review(summary, lang: str) -> None:
    """The per-month working-day table and the list of days off and make-up workdays."""
    from engine.calendar_file import WEEKDAYS

    zh = lang == "zh"
    out.print((f"[bold]{summary.year} 年工作日历[/]　依据：" if zh else f"[bold]Working-day calendar {summary.year}[/]  source: ")
              + summary.source, highlight=False)
    months = Table(title="每月工作日" if zh else "Working days per month")
    for header in ("月份", "工作日") if zh else ("Month", "Working days"):
        months.add_column(header, justify="right")
    names = [f"{m}月" for m in range(1, 13)] if zh else ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    for name, count in zip(names, summary.working_days_by_month):
        months.add_row(name, str(count))
    months.add_row("[bold]全年[/]" if zh else "[bold]Year[/]", f"[bold]{summary.working_days}[/]")
    out.print(months)
    days = Table(title="放假与调休上班" if zh else "Days off and make-up workdays")
    for header in ("日期", "星期", "安排", "名称") if zh else ("Date", "Weekday", "Kind", "Name"):
        days.add_column(header)
    kinds = {"holiday": ("放假", "day off"), "workday": ("调休上班", "make-up workday")}
    for entry in sorted(summary.holidays + summary.workdays, key=lambda e: e.day):
        days.add_row(entry.day.isoformat(), WEEKDAYS[lang][entry.day.weekday()], kinds[entry.kind][0 if zh else 1], entry.name or "—")
    out.print(days)


@calendar_app.command("add")
def calendar_add_command(
    year: int = typer.Argument(..., help="年份，如 2027 / the year"),
    file: Path = typer.Argument(..., help="依国务院办公厅放假通知编写的 YAML 或 JSON 文件 / a YAML or JSON file written from the State Council's notice"),
    replace: bool = typer.Option(False, "--replace", help="替换已有年份 / replace a year that exists"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只检查并显示，不写入 / check and show only, write nothing"),
    lang: str = LangOption,
    policies: Optional[Path] = PoliciesOption,
) -> None:
    """检查并添加一年的工作日历（policies/data/calendar/<年>.json），先显示每月工作日供核对。
    Check and add a year's working-day calendar; shows the working days per month for review first."""
    lang = _check_lang(lang)
    from engine.calendar_file import CalendarFileError, CalendarYearExists, CalendarYearInUse, parse_calendar_file, summarize, write_year, year_path
    from engine.policyset import CALENDAR_DIR

    try:
        document = parse_calendar_file(file, year)
    except OSError as exc:
        _fail(word("no_file", lang), [f"{file}: {exc.strerror or exc}"])
    except CalendarFileError as exc:
        _fail({"zh": "日历文件有误，未写入", "en": "The calendar file is not valid; nothing written"}[lang], [p.text(lang) for p in exc.problems])
    print_calendar_review(summarize(document), lang)
    directory = _settings(policies).policy_dir / CALENDAR_DIR
    target = year_path(directory, year)
    if dry_run:
        note = {"zh": f"试运行：未写入 {target}", "en": f"Dry run: {target} not written"}[lang]
        if target.exists() and not replace:
            note += {"zh": "（该年份已存在，正式添加须加 --replace）", "en": " (the year exists; adding it needs --replace)"}[lang]
        out.print(note, highlight=False)
        return
    try:
        written = write_year(directory, document, replace)
    except CalendarYearInUse:
        _fail({"zh": f"{year} 年不晚于今年，不予替换：已记录的决策和已存的申请按它计算了期限", "en": f"{year} is not after this year and is not replaced: logged decisions and stored applications counted deadlines on it"}[lang],
              [str(target)])
    except CalendarYearExists:
        _fail({"zh": f"{year} 年的工作日历已存在，未写入；确需替换请加 --replace", "en": f"The calendar for {year} exists; nothing written (use --replace to replace it)"}[lang],
              [str(target)])
    except PolicyError as exc:
        _fail({"zh": "加入该年份后工作日历无法加载，未写入", "en": "The calendar would not load with this year; nothing written"}[lang],
              [str(p) for p in exc.problems])
    except OSError as exc:
        _fail({"zh": "无法写入文件", "en": "Cannot write the file"}[lang], [f"{target}: {exc.strerror or exc}"])
    out.print({"zh": f"[green]已写入 {written}。[/]运行中的服务监视 policies/，会在下一次请求时启用新的 policy_revision（GET /v1/status 可查）。",
               "en": f"[green]Wrote {written}.[/] A running service watches policies/ and goes live with a new policy_revision on its next request (see GET /v1/status)."}[lang],
              highlight=False)


ledger_app = typer.Typer(help="台账 / the tamper-evident ledger", no_args_is_help=True)
app.add_typer(ledger_app, name="ledger")


def _ledger_settings(lang: str) -> Settings:
    try:
        return Settings()
    except SettingsError as exc:
        _fail({"zh": "配置有误", "en": "Bad configuration"}[lang], [str(exc)])


def _ledger_store(database: Optional[str], lang: str):
    from .storage.store import Store

    try:
        return Store(database or _ledger_settings(lang).url)
    except StorageError as exc:
        _fail(word("storage_error", lang), [str(exc)])


def _signer(lang: str, create: bool):
    """The checkpoints' signing key where the service keeps it (GOVSHARE_LEDGER_KEY
    or the data directory); None if there is none and `create` is false."""
    from .signing import KeyFileError, load_or_create_signer, read_signer

    path = _ledger_settings(lang).ledger_key_path
    try:
        return load_or_create_signer(path) if create else read_signer(path)
    except KeyFileError as exc:
        _fail({"zh": "签名密钥无法使用", "en": "The signing key cannot be used"}[lang], [str(exc)])


def _read_file(path: Path, lang: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        _fail(word("no_file", lang), [f"{path}: {exc.strerror or exc}"])


def _read_checkpoint(path: Path, lang: str):
    from engine.checkpoints import Checkpoint, CheckpointFormatError

    try:
        return Checkpoint.from_json(json.loads(_read_file(path, lang)))
    except ValueError as exc:  # not JSON (UnicodeDecodeError and JSONDecodeError are ValueErrors), or not a checkpoint
        problem = getattr(exc, lang, None) if isinstance(exc, CheckpointFormatError) else word("bad_json", lang)
        _fail({"zh": "不是可用的检查点文件", "en": "Not a usable checkpoint file"}[lang], [f"{path}: {problem}"])


def _read_pubkey(path: Path, lang: str):
    from .signing import Ed25519Verifier, KeyFileError

    try:
        return Ed25519Verifier.from_pem(_read_file(path, lang), str(path))
    except KeyFileError as exc:
        _fail({"zh": "公钥无法使用", "en": "The public key cannot be used"}[lang], [str(exc)])


@ledger_app.command("verify")
def ledger_verify_command(
    lang: str = LangOption,
    database: Optional[str] = typer.Option(None, "--db", help="数据库 URL，默认按配置 / database URL (default: configured)"),
    against: Optional[Path] = typer.Option(None, "--against", help="对照这份导出的检查点（JSON），而非库中最新的一份 / hold the ledger against this exported checkpoint instead of the latest stored one"),
    pubkey: Optional[Path] = typer.Option(None, "--pubkey", help="校验签名的公钥（PEM），默认为本机签名密钥的公钥 / the public key (PEM) to check signatures with; default: this machine's signing key's"),
) -> None:
    """离线校验整条哈希链并对照最新检查点，指出第一条断点和末尾缺失的记录 / verify the whole chain offline against the latest checkpoint; name the first break and entries missing at the end."""
    lang = _check_lang(lang)
    from engine.checkpoints import verify_ledger
    from rich.progress import Progress

    checkpoint = _read_checkpoint(against, lang) if against is not None else None
    if pubkey is not None:
        verifier = _read_pubkey(pubkey, lang)
    else:
        signer = _signer(lang, create=False)
        verifier = signer.verifier if signer is not None else None
    store = _ledger_store(database, lang)
    if against is None:
        checkpoint = store.latest_checkpoint()
    total = store.ledger_length()
    with Progress(transient=True, console=err) as progress:
        task = progress.add_task({"zh": "校验台账", "en": "Verifying the ledger"}[lang], total=total)

        def counted():
            for entry in store.ledger():
                progress.advance(task)
                yield entry

        result = verify_ledger(counted(), checkpoint, verifier)
    verified, broken = result.entries, result.first_break
    if result.intact:
        out.print({"zh": f"[green]台账完整：{verified} 条记录，哈希链无断点。[/]",
                   "en": f"[green]Ledger intact: {verified} entries, the hash chain is unbroken.[/]"}[lang])
    elif broken is None:
        out.print({"zh": f"哈希链本身无断点：{verified} 条记录。", "en": f"The hash chain itself is unbroken: {verified} entries."}[lang])
    else:
        err.print({"zh": f"[bold red]台账被改动：{broken.text('zh')}（此前 {verified} 条完好）[/]",
                   "en": f"[bold red]Ledger tampered: {broken.text('en')} ({verified} entries before it verified)[/]"}[lang])
    if checkpoint is None:
        out.print({"zh": "[yellow]尚无检查点：台账末尾未被锚定，删去最新的记录无从发现。[/]",
                   "en": "[yellow]No checkpoint yet: the end of the ledger is not anchored, deleting its newest entries would go unnoticed.[/]"}[lang])
    elif result.problem is None:
        out.print({"zh": f"[green]与检查点相符：第 {checkpoint.seq} 条（{checkpoint.at} 签署，密钥 {checkpoint.key_id}）仍在，哈希一致。[/]",
                   "en": f"[green]Matches the checkpoint: entry {checkpoint.seq} (signed at {checkpoint.at}, key {checkpoint.key_id}) is there with its hash.[/]"}[lang])
    else:
        err.print(f"[bold red]{result.problem.text(lang)}[/]")
    if not result.intact:
        raise typer.Exit(1)


@ledger_app.command("checkpoint")
def ledger_checkpoint_command(
    export: Path = typer.Option(..., "--export", help="写入此文件（JSON），交审计人员在本机以外保存 / write it to this file (JSON), for an auditor to keep off this machine"),
    lang: str = LangOption,
    database: Optional[str] = typer.Option(None, "--db", help="数据库 URL，默认按配置 / database URL (default: configured)"),
) -> None:
    """立即签署当前链头并导出检查点 / sign the chain head now and export the checkpoint."""
    lang = _check_lang(lang)
    from .storage.checkpointer import Checkpointer, CheckpointRefused

    signer = _signer(lang, create=True)
    store = _ledger_store(database, lang)
    try:
        checkpoint = Checkpointer(store, signer).checkpoint_now()
    except CheckpointRefused as exc:
        err.print(f"[bold red]{getattr(exc, lang)}[/]")
        raise typer.Exit(1)
    if checkpoint is None:
        _fail({"zh": "台账为空，没有可签署的记录", "en": "The ledger is empty: there is nothing to sign"}[lang], [], code=1)
    try:
        export.write_text(json.dumps(checkpoint.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        _fail({"zh": "无法写入文件", "en": "Cannot write the file"}[lang], [f"{export}: {exc.strerror or exc}"])
    out.print({"zh": f"[green]已导出检查点：第 {checkpoint.seq} 条，{checkpoint.at} 签署 → {export}[/]\n"
                     "请将它与公钥（govshare ledger pubkey）一并保存在本机以外；日后用 govshare ledger verify --against 对照。",
               "en": f"[green]Exported the checkpoint: entry {checkpoint.seq}, signed at {checkpoint.at} → {export}[/]\n"
                     "Keep it, with the public key (govshare ledger pubkey), off this machine; check later with govshare ledger verify --against."}[lang],
              highlight=False, soft_wrap=True)


@ledger_app.command("pubkey")
def ledger_pubkey_command(lang: str = LangOption) -> None:
    """打印检查点签名密钥的公钥（PEM），供审计人员保存 / print the checkpoints' public key (PEM) for an auditor to keep."""
    lang = _check_lang(lang)
    typer.echo(_signer(lang, create=True).public_pem(), nl=False)


demo_app = typer.Typer(help="内置示例数据 / the bundled demo data", no_args_is_help=True)
app.add_typer(demo_app, name="demo")


@demo_app.command("reset")
def demo_reset_command(lang: str = LangOption) -> None:
    """把内置示例目录与授权恢复原状（如被误用暂停的 g-2026-0001），并记入台账；台账本身不删改 /
    restore the bundled demo catalogue and grants (e.g. g-2026-0001 suspended by a misuse), logged in the ledger; the ledger is kept."""
    lang = _check_lang(lang)
    from .service import reset_demo

    settings = Settings()
    if not settings.seed_demo:
        _fail({"zh": "未启用内置示例数据（GOVSHARE_SEED_DEMO=0），未作任何更改",
               "en": "The demo data is turned off (GOVSHARE_SEED_DEMO=0); nothing was changed"}[lang], [])
    service = _service(None, lang)
    try:
        changed = reset_demo(service)
    except StorageError as exc:
        _fail(word("storage_error", lang), [str(exc)])
    grants = ", ".join(f"{g['grant']} {g['from'] or '—'} → {g['to']}" for g in changed["grants"])
    if not changed["catalog"] and not changed["grants"]:
        out.print({"zh": "示例数据与内置的一致，无需恢复。", "en": "The demo data is as bundled; nothing to reset."}[lang], soft_wrap=True)
        return
    out.print({"zh": f"已恢复示例数据：{len(changed['catalog'])} 个目录条目、{len(changed['grants'])} 个授权"
                     + (f"（{grants}）" if grants else "") + "；已记入台账（demo_reset），运行中的服务在下一次数据检查时采用。",
               "en": f"Restored the demo data: {len(changed['catalog'])} catalogue entries, {len(changed['grants'])} grants"
                     + (f" ({grants})" if grants else "") + "; logged in the ledger (demo_reset); a running service picks it up on its next data check."}[lang],
              highlight=False, soft_wrap=True)


@app.command("serve")
def serve_command(
    host: str = typer.Option("127.0.0.1", help="监听地址 / bind address"),
    port: int = typer.Option(8181, help="端口 / port"),
    workers: int = typer.Option(1, help="工作进程数 / worker processes"),
    lang: str = LangOption,
) -> None:
    """启动决策服务 / start the decision service."""
    lang = _check_lang(lang)
    import uvicorn

    from .http.observability import log_format, uvicorn_log_config

    try:
        logs = log_format(os.environ.get("GOVSHARE_LOG_FORMAT"))
    except ValueError as exc:
        _fail({"zh": "配置有误", "en": "Bad configuration"}[lang], [str(exc)])
    # Load once in this process first, so a bad policy or database fails here
    # with a readable message instead of inside every worker.
    service = _service(None, lang)
    msg = {"zh": f"已加载 {len(service.engine.policies.rules)} 条规则、{len(service.engine.snapshot.catalog)} 个目录条目；数据库 {service.store.safe_url()}",
           "en": f"Loaded {len(service.engine.policies.rules)} rules and {len(service.engine.snapshot.catalog)} catalogue entries; database {service.store.safe_url()}"}
    out.print(msg[lang], highlight=False, soft_wrap=True)
    from .tokens import Tokens

    generated = Tokens(service.store).bootstrap(service.settings.bootstrap_token) if service.settings.auth_enabled else None
    token = generated or ("$GOVSHARE_BOOTSTRAP_TOKEN" if service.settings.bootstrap_token else None)
    if generated:
        out.print({"zh": f"[bold]管理员令牌（只显示这一次，请妥善保存）：[/]{generated}",
                   "en": f"[bold]Admin token (shown once, keep it safe):[/] {generated}"}[lang], highlight=False, soft_wrap=True)
    if token:
        example = PROJECT_ROOT / "examples" / "transfer-to-third-party.json"
        out.print({"zh": "试一试（试算：只作决策，不记台账，不暂停授权）：",
                   "en": "Try it (a dry run: decided, nothing recorded, no grant suspended):"}[lang], soft_wrap=True)
        out.print(f"curl -s -X POST 'http://{host}:{port}/v1/decisions?dry_run=true' -H \"Authorization: Bearer {token}\" "
                  f"-H 'content-type: application/json' -d @{example}", highlight=False, soft_wrap=True)
    elif service.settings.auth_enabled:
        out.print({"zh": "已有管理员令牌；如遗失，请设置 GOVSHARE_BOOTSTRAP_TOKEN 后重启以增加一个。",
                   "en": "An admin token exists already; if it is lost, set GOVSHARE_BOOTSTRAP_TOKEN and restart to add one."}[lang],
                  soft_wrap=True)
    # One log format for govshare's lines (one per request, with request and
    # decision ids) and uvicorn's; the environment carries it into worker processes.
    os.environ["GOVSHARE_LOG_FORMAT"] = logs
    os.environ["GOVSHARE_JSON_LOGS"] = "1" if logs == "json" else "0"
    log_options = {"log_config": uvicorn_log_config(logs), "access_log": False, "log_level": "info"}
    REQUESTED_BY.set(SERVICE_CALLER)  # from here on the service writes on its own behalf, or its callers'
    if workers == 1:
        from .http.app import create_app

        uvicorn.run(create_app(service), host=host, port=port, loop="uvloop", http="httptools", **log_options)
    else:
        uvicorn.run("adapters.http.app:create_app", factory=True, host=host, port=port, workers=workers,
                    loop="uvloop", http="httptools", **log_options)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
