"""Stand-in commands of the action catalog: `action list`, `action run`, `act`.

`action list` ranks the catalog by relevance to the intent. A run checks the
input's required properties, then answers a fixed output or error from the
workspace, forwards the matching Pusher call upstream, or returns a receipt.
An upstream reply that reports an error (a non-2xx status, or a 2xx body with
an `error` key) fails the run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from membrane_pusher.sandbox.standin import forwarding
from membrane_pusher.sandbox.standin.answers import (
    Answer,
    api_error,
    json_answer,
    new_id,
    usage_error,
)
from membrane_pusher.sandbox.standin.context import (
    PRIVATE_PREFIX,
    Context,
    connection_missing,
    find_connection,
    int_option,
    loose_json,
    ready_connection,
)
from membrane_pusher.sandbox.standin.ranking import rank_actions

if TYPE_CHECKING:
    from membrane_pusher.sandbox.standin.options import ParsedArgs

__all__ = ["act", "action_list", "action_run"]

_DEFAULT_INTENT_LIMIT = 10


def _public(action: dict[str, Any]) -> dict[str, Any]:
    """Return an action without the stand-in's private fields, at any depth."""
    cleaned: dict[str, Any] = _without_private(action)
    return cleaned


def _without_private(value: Any) -> Any:
    """Copy JSON data, leaving out every `x-standin-*` key of every object."""
    if isinstance(value, dict):
        return {
            k: _without_private(v)
            for k, v in value.items()
            if not str(k).startswith(PRIVATE_PREFIX)
        }
    if isinstance(value, list):
        return [_without_private(item) for item in value]
    return value


def _actions_for(context: Context, connection: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the catalog actions of a connection's app."""
    app = connection.get("integrationKey") or connection.get("key")
    return [
        action
        for action in context.workspace.get("actions", [])
        if isinstance(action, dict) and action.get("integrationKey") in {None, app}
    ]


def action_list(context: Context, parsed: ParsedArgs) -> Answer:
    """`membrane action list --connectionId=ID [--intent=Q] [--limit=N]`."""
    selector = parsed.value("--connectionId") or parsed.value("--connectionKey")
    if selector is None:
        return usage_error("--connectionId is required")
    connection = find_connection(context, selector)
    if connection is None:
        return connection_missing(selector)

    intent = parsed.value("--intent") or ""
    default_limit = _DEFAULT_INTENT_LIMIT if intent else 100
    limit = int_option(parsed, "--limit") or default_limit
    ranked = rank_actions(_actions_for(context, connection), intent)
    return context.listing([_public(action) for action in ranked[:limit]])


def action_run(context: Context, parsed: ParsedArgs) -> Answer:
    """`membrane action run ACTION_ID --connectionId=ID --input=JSON`."""
    if not parsed.positionals:
        return usage_error("missing required argument 'actionId'")
    return _run(context, parsed, parsed.positionals[0])


def act(context: Context, parsed: ParsedArgs) -> Answer:
    """`membrane act --id=ACTION_ID --connectionId=ID --input=JSON`."""
    selector = parsed.value("--id") or parsed.value("--key")
    if selector is None:
        return usage_error("one of --id or --key is required")
    return _run(context, parsed, selector)


def _run(context: Context, parsed: ParsedArgs, selector: str) -> Answer:
    """Run a catalog action and answer `{output, actionRunId}`."""
    connection_selector = parsed.value("--connectionId") or parsed.value(
        "--connectionKey"
    )
    if connection_selector is None:
        return usage_error("--connectionId is required")
    connection = ready_connection(context, connection_selector)
    if isinstance(connection, Answer):
        return connection

    action = next(
        (
            item
            for item in _actions_for(context, connection)
            if selector in {item.get("id"), item.get("key")}
        ),
        None,
    )
    if action is None:
        return api_error("bad_request", "not_found", f"Action {selector} not found")

    run_id = new_id("arl")
    payload = loose_json(parsed.value("--input") or "{}")
    problem = _input_problem(payload, action.get("inputSchema"))
    if problem is not None:
        return api_error(
            "bad_request", "invalid_input", problem, data={}, action_run_id=run_id
        )

    return _run_output(context, action, payload, run_id)


def _input_problem(payload: Any, schema: Any) -> str | None:
    """Check the input the way Membrane does at the top level."""
    if not isinstance(payload, dict):
        return "Input must be a JSON object"
    required = schema.get("required", []) if isinstance(schema, dict) else []
    missing = [name for name in required if name not in payload]
    if missing:
        return f"Input validation failed: missing required property '{missing[0]}'"
    return None


def _run_output(
    context: Context, action: dict[str, Any], payload: dict[str, Any], run_id: str
) -> Answer:
    """Produce a run's output: fixed, forwarded, computed or a receipt."""
    if f"{PRIVATE_PREFIX}error" in action:
        error = dict(action[f"{PRIVATE_PREFIX}error"])
        return api_error(
            str(error.get("type", "action_run")),
            str(error.get("key", "failed")),
            str(error.get("message", "The action failed")),
            data=error.get("data"),
            action_run_id=run_id,
        )
    if f"{PRIVATE_PREFIX}output" in action:
        return json_answer(
            {"output": action[f"{PRIVATE_PREFIX}output"], "actionRunId": run_id}
        )

    key = str(action.get("key") or "")
    upstream = context.workspace.get("upstream")
    if isinstance(upstream, dict):
        call = forwarding.action_http_call(
            key, payload, str(upstream.get("app_id", ""))
        )
        if call is not None:
            reply = forwarding.forward(call, upstream)
            return _forwarded_answer(reply, run_id)
        local = forwarding.local_action_output(key, payload, upstream)
        if local is not None:
            return json_answer({"output": local, "actionRunId": run_id})

    receipt = {"accepted": True, "action": key or action.get("id"), "received": payload}
    return json_answer({"output": receipt, "actionRunId": run_id})


def _forwarded_answer(reply: forwarding.HttpReply, run_id: str) -> Answer:
    """Turn the upstream reply into the run's output, or into a failed run.

    A non-2xx status fails the run, and so does a 2xx body with an `error`
    key, as Membrane's connector would report it.
    """
    body = reply.json_or_text()
    if reply.ok:
        error = forwarding.error_in_body(body)
        if error is None:
            return json_answer({"output": body, "actionRunId": run_id})
        message = f"Pusher answered {reply.status} with an error: {error[:200]}"
    else:
        message = f"Pusher answered {reply.status}: {reply.text.strip()[:200]}"

    return api_error(
        "action_run",
        "upstream_error",
        message,
        data={"status": reply.status, "body": body},
        action_run_id=run_id,
    )
