"""`membrane-pusher request PATH`: a raw Pusher API request, guarded.

This is the `pusher_api_request` tool with command-line options: the same
guard (the path stays under `/apps/{app_id}/`, GET or POST only, no auth
parameters, no control characters, a bounded body), the same signing through
Membrane's proxy, and the same error shapes. POST counts as destructive.
"""

from __future__ import annotations

from typing import Any

import click

from membrane_pusher.cli.commands.call import run_tool
from membrane_pusher.cli.json_input import MAX_INPUT_HELP, parse_json_object
from membrane_pusher.cli.state import CLIState, common_options, pass_state
from membrane_pusher.cli.target import TargetOptions, target_options

__all__ = ["RAW_REQUEST_TOOL", "command"]

RAW_REQUEST_TOOL = "pusher_api_request"


def _query_pair(text: str) -> tuple[str, str]:
    """Split one `--query k=v`."""
    name, sep, value = text.partition("=")
    if not sep or not name:
        message = f"--query: expected k=v, got {text!r}"
        raise click.UsageError(message)
    return name, value


def _query_parameters(items: tuple[str, ...]) -> dict[str, str]:
    """Read every `--query k=v`, refusing a parameter given twice.

    Pusher's API reads each parameter once, so a second value would be
    dropped without a word. A list such as `info` is one comma-separated
    value (`info=user_count,subscription_count`).
    """
    parameters: dict[str, str] = {}
    for item in items:
        name, value = _query_pair(item)
        if name in parameters:
            message = (
                f"--query: the parameter {name!r} is given more than once; "
                "Pusher reads each parameter once, so give it once (a list such "
                "as info is comma-separated: info=user_count,subscription_count)"
            )
            raise click.UsageError(message)
        parameters[name] = value
    return parameters


@click.command("request")
@common_options
@click.argument("path")
@click.option(
    "-X",
    "--method",
    default="GET",
    show_default=True,
    type=click.Choice(["GET", "POST"], case_sensitive=False),
    help="HTTP method.",
)
@click.option(
    "--query",
    "queries",
    multiple=True,
    metavar="K=V",
    help="A query parameter (repeatable), e.g. --query filter_by_prefix=presence-",
)
@click.option(
    "--data",
    metavar="JSON|@FILE|-",
    help="JSON object body (POST only): inline, @path or - for stdin. "
    + MAX_INPUT_HELP,
)
@click.option("--dry-run", is_flag=True, help="Validate and print the argv only.")
@click.option("--yes", "-y", is_flag=True, help="Allow a POST without asking.")
@target_options
@pass_state
def command(
    state: CLIState,
    *,
    target: TargetOptions,
    path: str,
    method: str,
    queries: tuple[str, ...],
    data: str | None,
    dry_run: bool,
    yes: bool,
) -> int:
    """Send a guarded raw Pusher API request.

    PATH is relative to the app: /channels means /apps/APP_ID/channels.
    """
    arguments: dict[str, Any] = {"method": method.upper(), "path": path}
    if queries:
        arguments["query"] = _query_parameters(queries)
    if data is not None:
        arguments["body"] = parse_json_object(data, "--data", holds="the request body")

    return run_tool(
        state,
        target,
        RAW_REQUEST_TOOL,
        arguments,
        intents=(),
        dry_run=dry_run,
        assume_yes=yes,
    )
