"""Typed models of what the Membrane CLI prints with `--json`.

Parsing is tolerant on purpose: the CLI's output is not formally documented, so
unknown fields are kept (in `model_extra`) but ignored, optional fields may be
missing, and list answers may be `{"items": [...], "cursor": ...}` or a bare
array (see `parse_items`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "READY",
    "Action",
    "ApiErrorBody",
    "ClientAction",
    "Connection",
    "ConnectorHit",
    "LoginStatus",
    "ProxyRequest",
    "ProxyResponse",
    "RunResult",
    "parse_items",
]

READY = "READY"


class _Tolerant(BaseModel):
    """Base model: camelCase aliases, unknown fields kept and ignored."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=False)


class ClientAction(_Tolerant):
    """What the user must do for a connection to become READY."""

    type: str | None = None
    description: str | None = None
    ui_url: str | None = Field(default=None, alias="uiUrl")
    agent_instructions: str | None = Field(default=None, alias="agentInstructions")


class Connection(_Tolerant):
    """A Membrane connection to an external app (here, Pusher)."""

    id: str
    name: str | None = None
    key: str | None = None
    state: str | None = None
    connected: bool | None = None
    disconnected: bool | None = None
    connector_id: str | None = Field(default=None, alias="connectorId")
    integration_id: str | None = Field(default=None, alias="integrationId")
    integration_key: str | None = Field(default=None, alias="integrationKey")
    integration: dict[str, Any] | None = None
    client_action: ClientAction | None = Field(default=None, alias="clientAction")

    @property
    def is_ready(self) -> bool:
        """Whether the connection can be used now.

        A missing `state` counts as READY unless the connection says it is
        disconnected, because older CLI versions omit the field.
        """
        if self.state is not None:
            return self.state == READY
        return not (self.disconnected is True or self.connected is False)

    @property
    def app_keys(self) -> set[str]:
        """Lower-cased names by which this connection may refer to its app."""
        names = {
            self.key,
            self.name,
            self.integration_key,
            self.connector_id,
        }
        if self.integration:
            names.add(self.integration.get("key"))
            names.add(self.integration.get("name"))
        return {n.lower() for n in names if isinstance(n, str) and n}


class ConnectorHit(_Tolerant):
    """One result of `membrane search Q --elementType=connector`."""

    element_type: str | None = Field(default=None, alias="elementType")
    element: dict[str, Any] = Field(default_factory=dict)

    @property
    def id(self) -> str | None:
        """The connector's id, when the hit carries one."""
        value = self.element.get("id")
        return value if isinstance(value, str) else None

    @property
    def name(self) -> str | None:
        """The connector's display name, when the hit carries one."""
        value = self.element.get("name")
        return value if isinstance(value, str) else None


class Action(_Tolerant):
    """A Membrane action: an operation with an input JSON Schema.

    `key`, `input_schema` and `output_schema` may all be missing: catalog
    actions sometimes carry only an id.
    """

    id: str
    key: str | None = None
    name: str | None = None
    description: str | None = None
    type: str | None = None
    state: str | None = None
    input_schema: dict[str, Any] | None = Field(default=None, alias="inputSchema")
    output_schema: dict[str, Any] | None = Field(default=None, alias="outputSchema")
    connection_id: str | None = Field(default=None, alias="connectionId")
    integration_key: str | None = Field(default=None, alias="integrationKey")


class RunResult(_Tolerant):
    """The result of `action run` or `act`: `output` is kept exactly as sent.

    Falsy outputs (`0`, `false`, `""`, `null`, `[]`) are real results.
    """

    output: Any = None
    action_run_id: str | None = Field(default=None, alias="actionRunId")


@dataclass(frozen=True)
class ProxyRequest:
    """One HTTP request to send through Membrane's proxy (`membrane request`).

    Attributes:
        connection_id: The connection whose app receives the request.
        path: The path on the app's API; a missing leading `/` is added.
        method: The HTTP method.
        headers: Extra request headers.
        query: Query parameters, sent one `--query=k=v` each.
        body: `None` for no body; a `str` is sent as is; anything else is
            sent as compact JSON.
    """

    connection_id: str
    path: str
    method: str = "GET"
    headers: Mapping[str, str] | None = None
    query: Mapping[str, str] | None = None
    body: Any = None

    @property
    def is_read(self) -> bool:
        """Whether the request only reads (GET), so it may be retried."""
        return self.method.upper() == "GET"


class ProxyResponse(_Tolerant):
    """The answer to `membrane request`: the upstream app's response.

    `status` is known only when the CLI reports it; `body` is the parsed JSON
    body, or the raw text when it is not JSON.
    """

    status: int | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    body: Any = None


class ApiErrorBody(_Tolerant):
    """Membrane's API error body: `{type, key, message, data}`."""

    type: str | None = None
    key: str | None = None
    message: str | None = None
    data: Any = None
    action_run_id: str | None = Field(default=None, alias="actionRunId")


class LoginStatus(_Tolerant):
    """What `membrane status` tells about the login."""

    logged_in: bool = Field(default=False, alias="loggedIn")
    workspace: str | None = None
    tenant: str | None = None
    api_uri: str | None = Field(default=None, alias="apiUri")


def parse_items(payload: Any) -> list[Any]:
    """Return the list inside a list answer.

    Args:
        payload: Parsed JSON: `{"items": [...], ...}`, a bare list, or `null`.

    Returns:
        The items; an empty list for `null` or a missing `items`.

    Raises:
        TypeError: When the payload is neither shape.
    """
    if payload is None:
        return []
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict):
        items = payload.get("items", [])
        if isinstance(items, list):
            return items
    msg = f"expected a list or an object with 'items', got {type(payload).__name__}"
    raise TypeError(msg)
