"""Chartroom's one entry point.

python bot.py                       the Slack app (Socket Mode if SLACK_APP_TOKEN is set,
                                    else HTTP on /slack/events, /health and /metrics)
python bot.py worker                an ARQ worker that answers the queued questions
python bot.py plot FILE "question" [--then "follow-up"]... -o DIR [--json] [--dry-run]
                                    [--sandbox B] [--provider P]
                                    the local pipeline: no Slack, no Redis; no key unless
                                    --provider (or LLM_PROVIDERS) names an LLM provider
python bot.py chat FILE [-o DIR]    the same as a thread typed in the terminal
python bot.py run-code CODE.py --data FILE [--sandbox docker|local] [--no-policy]
                                    a code file through the policy and the sandbox
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import ChartroomError, UserError
from core.logs import configure_logging, get_logger
from core.settings import Settings
from providers.errors import ProviderNotConfigured

if TYPE_CHECKING:
    from workers.local_plot import PlotOutcome

log = get_logger("chartroom")

EXIT_FAILURE = 1
EXIT_USER_ERROR = 2
EXIT_CODE_REFUSED = 3
EXIT_CODE_FAILED = 4
SANDBOX_CHOICES = ("docker", "local", "auto")
PROVIDER_CHOICES = ("gemini", "bedrock", "openai")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings()
    configure_logging(level=settings.log_level, fmt=settings.log_format)
    if args.command == "worker":
        return _run_worker(settings)
    if getattr(args, "sandbox", None):
        settings = settings.model_copy(update={"sandbox_backend": args.sandbox})
    if args.command == "plot":
        return _run_plot(settings, args)
    if args.command == "chat":
        return _run_chat(settings, args)
    if args.command == "run-code":
        return _run_code(settings, args)
    return _run_app(settings)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bot.py", description="Chartroom: charts in Slack.")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="run the Slack app (the default)")
    sub.add_parser("worker", help="run an ARQ worker")
    plot = sub.add_parser("plot", help="chart a local file with no Slack, Redis or key")
    plot.add_argument("file", type=Path)
    plot.add_argument("question", nargs="?", default="")
    plot.add_argument(
        "--then",
        action="append",
        default=[],
        metavar="QUESTION",
        help="a follow-up in the same thread (repeat for more): chart-1.png, chart-2.png…",
    )
    plot.add_argument("-o", "--out", type=Path, default=Path("out"), help="output folder")
    plot.add_argument("--json", action="store_true", help="print the plan as JSON on stdout")
    plot.add_argument("--dry-run", action="store_true", help="plan only; no sandbox, no render")
    plot.add_argument("--sandbox", choices=SANDBOX_CHOICES, help="override SANDBOX_BACKEND")
    plot.add_argument(
        "--provider",
        type=_provider_chain,
        metavar="NAME[,NAME]",
        help="override LLM_PROVIDERS: gemini, bedrock, openai, a chain like bedrock,gemini, "
        "or rules (no model); keys come from the settings",
    )
    chat = sub.add_parser("chat", help="a thread about a local file, typed in the terminal")
    chat.add_argument("file", type=Path)
    chat.add_argument("-o", "--out", type=Path, default=Path("out"), help="output folder")
    chat.add_argument("--sandbox", choices=SANDBOX_CHOICES, help="override SANDBOX_BACKEND")
    chat.add_argument("--provider", type=_provider_chain, metavar="NAME[,NAME]")
    run = sub.add_parser(
        "run-code",
        help="run a chart code file through the policy and the sandbox",
        description="Exit codes: 0 ran and made a figure, 3 refused by the policy, "
        "4 failed or timed out in the sandbox, 2 bad data file, 1 internal error.",
    )
    run.add_argument("code", type=Path, help="a Python file that sets `fig` from `df`")
    run.add_argument("--data", type=Path, required=True, help="the data file loaded as `df`")
    run.add_argument("--sandbox", choices=SANDBOX_CHOICES, help="override SANDBOX_BACKEND")
    run.add_argument("--no-policy", action="store_true", help="skip the AST policy check")
    return parser


def _run_plot(settings: Settings, args: argparse.Namespace) -> int:
    from workers.local_plot import plan_text, plot_conversation

    if not args.file.is_file():
        print(f"error: no such file: {args.file}", file=sys.stderr)
        return EXIT_USER_ERROR
    questions = [args.question, *args.then]
    try:
        outcomes = asyncio.run(
            plot_conversation(
                settings,
                args.file,
                questions,
                args.out,
                dry_run=args.dry_run,
                providers=args.provider,
            )
        )
    except ProviderNotConfigured as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return EXIT_USER_ERROR
    except UserError as exc:
        print(f"error: {_plain(exc.user_message)}", file=sys.stderr)
        return EXIT_USER_ERROR
    except ChartroomError as exc:
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    plans = [o.plan.model_dump(mode="json") for o in outcomes]
    if args.json:
        shown: object = plans if len(questions) > 1 else plans[0]
        print(json.dumps(shown, indent=2, ensure_ascii=False))
    else:
        print("\n\n".join(plan_text(o.plan) for o in outcomes))
    for outcome in outcomes:
        _report(outcome)
    return 0


def _report(outcome: PlotOutcome) -> None:
    """What a turn did, on stderr: who answered, what changed, the sentences, the files."""
    print("answered by: " + " · ".join(outcome.how), file=sys.stderr)
    if outcome.plan.changes:
        print("changed: " + "; ".join(outcome.plan.changes), file=sys.stderr)
    for sentence in outcome.sentences:
        print(sentence, file=sys.stderr)
    if outcome.table:
        print(outcome.table, file=sys.stderr)
    for png, html in zip(outcome.png_paths, outcome.html_paths, strict=True):
        print(f"wrote {png} and {html}", file=sys.stderr)


def _run_chat(settings: Settings, args: argparse.Namespace) -> int:
    """A thread in the terminal: each line is a follow-up of the last; an empty line or EOF
    ends it."""
    from workers.local_plot import LocalThread

    if not args.file.is_file():
        print(f"error: no such file: {args.file}", file=sys.stderr)
        return EXIT_USER_ERROR

    async def converse() -> int:
        async with LocalThread(settings, args.file, providers=args.provider) as thread:
            turn = 0
            while True:
                try:
                    question = await asyncio.to_thread(input, "> ")
                except EOFError:
                    return 0
                if not question.strip() or question.strip().lower() in ("quit", "exit"):
                    return 0
                turn += 1
                try:
                    outcome = await thread.ask(question, args.out, stem=f"chart-{turn}")
                except UserError as exc:
                    print(_plain(exc.user_message))
                    continue
                print("\n".join([*outcome.plan.changes, *outcome.sentences]))
                for png in outcome.png_paths:
                    print(f"(wrote {png})")

    try:
        return asyncio.run(converse())
    except ProviderNotConfigured as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return EXIT_USER_ERROR


def _provider_chain(text: str) -> list[str]:
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    if names == ["rules"]:
        return []
    unknown = [n for n in names if n not in PROVIDER_CHOICES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown provider {', '.join(unknown) or text!r}: use {', '.join(PROVIDER_CHOICES)} "
            "or rules"
        )
    return names


def _run_code(settings: Settings, args: argparse.Namespace) -> int:
    from workers.run_code import run_code_file

    for path in (args.code, args.data):
        if not path.is_file():
            print(f"error: no such file: {path}", file=sys.stderr)
            return EXIT_USER_ERROR
    code = args.code.read_text(encoding="utf-8", errors="replace")
    try:
        outcome = asyncio.run(run_code_file(settings, code, args.data, policy=not args.no_policy))
    except UserError as exc:
        print(f"error: {_plain(exc.user_message)}", file=sys.stderr)
        return EXIT_USER_ERROR
    except ChartroomError as exc:
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    print(f"{outcome.status} (sandbox: {outcome.backend})")
    print(outcome.detail)
    return {"ok": 0, "refused": EXIT_CODE_REFUSED, "failed": EXIT_CODE_FAILED}[outcome.status]


def _run_worker(settings: Settings) -> int:
    from workers.arq_worker import ResilientWorker
    from workers.settings import worker_options

    missing = [name for name, value in _token_settings(settings) if value is None]
    if missing:
        print(f"error: set {' and '.join(missing)} (see .env.example)", file=sys.stderr)
        return EXIT_USER_ERROR
    ResilientWorker(**worker_options(settings)).run()
    return 0


def _run_app(settings: Settings) -> int:
    from handlers.serve import serve

    required = [*_token_settings(settings), ("SLACK_SIGNING_SECRET", settings.slack_signing_secret)]
    missing = [name for name, value in required if value is None]
    if missing:
        print(f"error: set {' and '.join(missing)} (see .env.example)", file=sys.stderr)
        return EXIT_USER_ERROR
    asyncio.run(serve(settings))
    return 0


def _token_settings(settings: Settings) -> list[tuple[str, object]]:
    """Where bot tokens come from: one SLACK_BOT_TOKEN, or (with a client id) the OAuth
    installations in the database."""
    if settings.slack_client_id:
        return [
            ("SLACK_CLIENT_SECRET", settings.slack_client_secret),
            ("DATABASE_URL", settings.database_url),
        ]
    return [("SLACK_BOT_TOKEN", settings.slack_bot_token)]


def _plain(mrkdwn: str) -> str:
    return re.sub(r"[*`]|:[a-z_]+: ", "", mrkdwn)


if __name__ == "__main__":
    sys.exit(main())
