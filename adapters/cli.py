"""`govshare` command line: evaluate an event, check and test the policies, serve.

Chinese first; `--lang en` switches. Errors go to stderr with a non-zero exit,
never as a stack trace.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
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

from .http.errors import describe_errors
from .service import PROJECT_ROOT, Settings, build_service
from .storage.store import StorageError

app = typer.Typer(
    help="govshare：政务数据共享许可决策引擎 / policy engine for government data sharing.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

LangOption = typer.Option("zh", "--lang", help="输出语言 zh | en / output language")
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


def _check_lang(lang: str) -> str:
    if lang not in ("zh", "en"):
        err.print("--lang 只能是 zh 或 en / --lang must be zh or en")
        raise typer.Exit(2)
    return lang


def _settings(policies: Optional[Path]) -> Settings:
    settings = Settings()
    if policies is not None:
        settings.policy_dir = policies
    return settings


def _fail(title: str, lines: list[str], code: int = 2) -> None:
    err.print(f"[bold red]{title}[/]")
    for line in lines:
        err.print(f"  {line}", markup=False, highlight=False)
    raise typer.Exit(code)


def _service(policies: Optional[Path], lang: str):
    try:
        return build_service(_settings(policies))
    except PolicyError as exc:
        _fail(word("policy_error", lang), [str(p) for p in exc.problems])
    except StorageError as exc:
        _fail(word("storage_error", lang), [str(exc)])


def cite(article: Optional[int], paragraph: Optional[int], item: Optional[int], regulation: str, lang: str) -> str:
    if article is None:
        return "—"
    names = {"gdsr": ("《政务数据共享条例》", "GDSR")}
    zh_name, en_name = names.get(regulation, (regulation, regulation))
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
        _fail(word("bad_json", lang), [f"{path}: {exc}"])
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


@app.command("check")
def check_command(lang: str = LangOption, policies: Optional[Path] = PoliciesOption) -> None:
    """编译并检查全部策略 / compile and check every policy."""
    lang = _check_lang(lang)
    policy_set = _load_policies(policies, lang)
    msg = {"zh": f"策略检查通过：{len(policy_set.rules)} 条规则，修订 {policy_set.revision}",
           "en": f"Policies OK: {len(policy_set.rules)} rules, revision {policy_set.revision}"}
    out.print(f"[green]{msg[lang]}[/]")


@app.command("test")
def test_command(lang: str = LangOption, policies: Optional[Path] = PoliciesOption) -> None:
    """运行全部 Rego test_* 规则 / run every Rego test rule."""
    lang = _check_lang(lang)
    from engine.regotest import run_rego_tests

    from .regorus_backend import RegorusBackend

    policy_set = _load_policies(policies, lang)
    results = run_rego_tests(policy_set, RegorusBackend())
    failed = [r for r in results if not r.passed]
    for r in failed:
        err.print(f"[red]FAIL[/] {r.file}:{r.line} {r.id}: {r.error}", highlight=False)
    summary = {"zh": f"Rego 测试：{len(results) - len(failed)} 通过，{len(failed)} 失败",
               "en": f"Rego tests: {len(results) - len(failed)} passed, {len(failed)} failed"}
    out.print(f"[{'red' if failed else 'green'}]{summary[lang]}[/]")
    raise typer.Exit(1 if failed or not results else 0)


@app.command("articles")
def articles_command(
    lang: str = LangOption,
    policies: Optional[Path] = PoliciesOption,
    jurisdiction: Optional[str] = typer.Option(None, "--jurisdiction", help="同时列出地方规定，如 jiyuan / also show a local layer"),
    show_all: bool = typer.Option(False, "--all", help="列出全部条文 / list every article"),
) -> None:
    """条文 → 规则 → 测试 → 场景 对照表 / the article → rules → tests → scenarios matrix.

    Exit 1 when an enforceable article has no rule or no scenario."""
    lang = _check_lang(lang)
    from engine.articles import article_matrix, gaps
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
    for key in layers:
        law = REGULATIONS[key]
        rows = article_matrix(policy_set, PROJECT_ROOT / "features", key)
        table = Table(title=f"《{law.name_zh}》条文对照表" if lang == "zh" else f"{law.name_en}: article matrix")
        for header in headers:
            table.add_column(header, overflow="fold")
        for row in rows:
            if not (show_all or row.rules or row.scenarios or row.enforceable):
                continue
            missing = row.enforceable and (not row.rules or not row.scenarios)
            table.add_row(
                str(row.article.number),
                str(row.article.chapter),
                row.article.zh if lang == "zh" else row.article.en,
                ("是" if lang == "zh" else "yes") if row.enforceable else "",
                "\n".join(row.rules) or "—",
                str(row.tests),
                str(len(row.scenarios)),
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


ledger_app = typer.Typer(help="台账 / the tamper-evident ledger", no_args_is_help=True)
app.add_typer(ledger_app, name="ledger")


@ledger_app.command("verify")
def ledger_verify_command(
    lang: str = LangOption,
    database: Optional[str] = typer.Option(None, "--db", help="数据库 URL，默认按配置 / database URL (default: configured)"),
) -> None:
    """离线校验整条哈希链，指出第一条断点 / verify the whole chain offline and name the first break."""
    lang = _check_lang(lang)
    from engine.ledger import verify_chain
    from rich.progress import Progress

    from .storage.store import Store

    try:
        store = Store(database or Settings().url)
    except StorageError as exc:
        _fail(word("storage_error", lang), [str(exc)])
    total = store.ledger_length()
    with Progress(transient=True, console=err) as progress:
        task = progress.add_task({"zh": "校验台账", "en": "Verifying the ledger"}[lang], total=total)

        def counted():
            for entry in store.ledger():
                progress.advance(task)
                yield entry

        verified, broken = verify_chain(counted())
    if broken is None:
        out.print({"zh": f"[green]台账完整：{verified} 条记录，哈希链无断点。[/]",
                   "en": f"[green]Ledger intact: {verified} entries, the hash chain is unbroken.[/]"}[lang])
        return
    err.print({"zh": f"[bold red]台账被改动：{broken.text('zh')}（此前 {verified} 条完好）[/]",
               "en": f"[bold red]Ledger tampered: {broken.text('en')} ({verified} entries before it verified)[/]"}[lang])
    raise typer.Exit(1)


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

    # Load once in this process first, so a bad policy or database fails here
    # with a readable message instead of inside every worker.
    service = _service(None, lang)
    msg = {"zh": f"已加载 {len(service.engine.policies.rules)} 条规则、{len(service.engine.snapshot.catalog)} 个目录条目；数据库 {service.store.safe_url()}",
           "en": f"Loaded {len(service.engine.policies.rules)} rules and {len(service.engine.snapshot.catalog)} catalogue entries; database {service.store.safe_url()}"}
    out.print(msg[lang])
    from .tokens import Tokens

    generated = Tokens(service.store).bootstrap(service.settings.bootstrap_token) if service.settings.auth_enabled else None
    token = generated or ("$GOVSHARE_BOOTSTRAP_TOKEN" if service.settings.bootstrap_token else None)
    if generated:
        out.print({"zh": f"[bold]管理员令牌（只显示这一次，请妥善保存）：[/]{generated}",
                   "en": f"[bold]Admin token (shown once, keep it safe):[/] {generated}"}[lang], highlight=False, soft_wrap=True)
    if token:
        example = PROJECT_ROOT / "examples" / "transfer-to-third-party.json"
        out.print({"zh": "试一试：", "en": "Try it:"}[lang])
        out.print(f"curl -s -X POST http://{host}:{port}/v1/decisions -H 'Authorization: Bearer {token}' "
                  f"-H 'content-type: application/json' -d @{example}", highlight=False, soft_wrap=True)
    elif service.settings.auth_enabled:
        out.print({"zh": "已有管理员令牌；如遗失，请设置 GOVSHARE_BOOTSTRAP_TOKEN 后重启以增加一个。",
                   "en": "An admin token exists already; if it is lost, set GOVSHARE_BOOTSTRAP_TOKEN and restart to add one."}[lang])
    # Structured JSON logs (one line per request, with request and decision ids);
    # the environment carries the choice into worker processes.
    os.environ["GOVSHARE_JSON_LOGS"] = "1"
    if workers == 1:
        from .http.app import create_app

        uvicorn.run(create_app(service), host=host, port=port, loop="uvloop", http="httptools", log_level="info")
    else:
        uvicorn.run("adapters.http.app:create_app", factory=True, host=host, port=port, workers=workers,
                    loop="uvloop", http="httptools", log_level="info")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
