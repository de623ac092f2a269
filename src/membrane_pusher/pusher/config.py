"""Where the Pusher app is: app id, and for the direct transport its credentials.

The membrane transport needs only the app id (Membrane holds the credentials).
The direct transport needs the app id, key, secret and a host: either an
explicit host (self-hosted servers such as soketi), a cluster
(`api-{cluster}.pusher.com`), or one URL `http(s)://key:secret@host[:port]/apps/ID`.

Environment variables: `PUSHER_APP_ID` (`MEMBRANE_PUSHER_APP_ID` wins over it),
`PUSHER_KEY` (or `PUSHER_APP_KEY`),
`PUSHER_SECRET` (or `PUSHER_APP_SECRET`), `PUSHER_HOST`, `PUSHER_PORT`,
`PUSHER_CLUSTER`, `PUSHER_USE_TLS`, and `PUSHER_URL`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from membrane_pusher.errors import ConfigurationError
from membrane_pusher.redaction import register_secret

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "APP_ID_ENV_VARS",
    "APP_ID_HINT",
    "DEFAULT_CLUSTER",
    "PusherSettings",
    "require_app_id",
    "resolve_app_id",
]

DEFAULT_CLUSTER = "mt1"
# Where the app id may come from when none is given; the first one set wins.
APP_ID_ENV_VARS = ("MEMBRANE_PUSHER_APP_ID", "PUSHER_APP_ID")
APP_ID_HINT = (
    "Pass app_id= to PusherToolkit (or --app-id on the command line), or set the "
    "PUSHER_APP_ID environment variable; the id is on the Pusher dashboard under "
    "'App Keys'."
)

# App ids become a URL path segment: keep them to safe characters.
_APP_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_CLUSTER = re.compile(r"[a-z0-9-]{1,32}")
_URL_PATH = re.compile(r"/apps/([^/]+)/?")
_TRUE = {"1", "true", "yes", "on"}


def resolve_app_id(
    app_id: str | int | None = None, env: Mapping[str, str] | None = None
) -> str | None:
    """Return the configured app id, or None when there is none.

    The argument wins; then env `MEMBRANE_PUSHER_APP_ID`, then `PUSHER_APP_ID`
    (empty values count as unset).

    Raises:
        ConfigurationError: When the id found is not a valid app id.
    """
    text = str(app_id).strip() if app_id is not None else ""
    if not text:
        text = _app_id_from_env(os.environ if env is None else env)
    if not text:
        return None
    if not _APP_ID.fullmatch(text):
        raise ConfigurationError(
            f"The Pusher app id {text!r} is not valid.",
            hint="App ids are letters, digits, '_' or '-' (Pusher's are digits).",
        )
    return text


def _app_id_from_env(environment: Mapping[str, str]) -> str:
    """Return the first app id set in the environment, or ""."""
    for name in APP_ID_ENV_VARS:
        value = environment.get(name, "").strip()
        if value:
            return value
    return ""


def require_app_id(
    app_id: str | int | None = None, env: Mapping[str, str] | None = None
) -> str:
    """Return the app id, or explain how to set it.

    Raises:
        ConfigurationError: When no app id is configured (mentions
            `PUSHER_APP_ID` and `app_id=`).
    """
    resolved = resolve_app_id(app_id, env)
    if resolved is None:
        raise ConfigurationError("No Pusher app id is configured.", hint=APP_ID_HINT)
    return resolved


@dataclass(frozen=True)
class PusherSettings:
    """How the direct transport reaches and signs for one Pusher app.

    Attributes:
        app_id: The app id.
        key: The app key (`auth_key`).
        secret: The app secret; never shown in `repr` or logs.
        host: The REST host, without scheme.
        port: The port, or `None` for the scheme's default.
        use_tls: HTTPS when true, HTTP otherwise.

    NOTE: Pickles leave the secret out (so that it never lands in a file or a
    queue); the direct transport refuses to send with settings loaded from
    one. Build them again with `PusherSettings.build` in the new process.
    """

    app_id: str
    key: str
    secret: str = field(repr=False)
    host: str = f"api-{DEFAULT_CLUSTER}.pusher.com"
    port: int | None = None
    use_tls: bool = True

    def __post_init__(self) -> None:
        """Remember the secret for redaction."""
        register_secret(self.secret)

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the secret: a loaded copy cannot sign (see the note)."""
        return {**self.__dict__, "secret": ""}

    def __copy__(self) -> PusherSettings:
        """Settings are immutable: a copy is the same settings."""
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> PusherSettings:
        """Settings are immutable: a deep copy is the same settings."""
        del memo
        return self

    @property
    def base_url(self) -> str:
        """`scheme://host[:port]`, without a trailing slash."""
        scheme = "https" if self.use_tls else "http"
        port = f":{self.port}" if self.port else ""
        return f"{scheme}://{self.host}{port}"

    @classmethod
    def from_url(cls, url: str) -> PusherSettings:
        """Parse `http(s)://key:secret@host[:port]/apps/APP_ID`.

        Raises:
            ConfigurationError: When a part is missing (the message never
                includes the secret).
        """
        text = url.strip()
        _register_url_secret(text)
        try:
            parts = urlsplit(text)
            port = parts.port
        except ValueError:
            # The parser's own message may quote a piece of the URL (the secret
            # read as a port, for one): only our fixed wording is shown.
            raise _url_error("its host or port cannot be read") from None
        if parts.scheme not in {"http", "https"}:
            raise _url_error("the scheme must be http or https")
        if not parts.username or not parts.password or not parts.hostname:
            raise _url_error("it must include key:secret@host")
        match = _URL_PATH.fullmatch(parts.path)
        if match is None:
            raise _url_error("its path must be /apps/APP_ID")
        if not _APP_ID.fullmatch(match.group(1)):
            raise _url_error("its app id must be letters, digits, '_' or '-'")
        return cls(
            app_id=match.group(1),
            key=unquote(parts.username),
            secret=unquote(parts.password),
            host=parts.hostname,
            port=port,
            use_tls=parts.scheme == "https",
        )

    @classmethod
    def build(
        cls,
        *,
        app_id: str | int | None = None,
        key: str | None = None,
        secret: str | None = None,
        host: str | None = None,
        cluster: str | None = None,
        port: int | None = None,
        use_tls: bool | None = None,
        url: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> PusherSettings:
        """Combine explicit values with the environment.

        Explicit arguments win; then `url` / `PUSHER_URL`; then the separate
        `PUSHER_*` variables. The host is `host`, else `api-{cluster}.pusher.com`,
        else the mt1 cluster's host.

        Raises:
            ConfigurationError: When the app id, key or secret is missing.
        """
        environment = os.environ if env is None else env
        base: dict[str, Any] = {}
        pusher_url = url or environment.get("PUSHER_URL")
        if pusher_url:
            parsed = cls.from_url(pusher_url)
            base = {
                "app_id": parsed.app_id,
                "key": parsed.key,
                "secret": parsed.secret,
                "host": parsed.host,
                "port": parsed.port,
                "use_tls": parsed.use_tls,
            }

        resolved_key = key or base.get("key") or _first(environment, "KEY")
        resolved_secret = secret or base.get("secret") or _first(environment, "SECRET")
        resolved_id = resolve_app_id(app_id or base.get("app_id"), environment)
        missing = [
            name
            for name, value in (
                ("app id (PUSHER_APP_ID or app_id=)", resolved_id),
                ("key (PUSHER_KEY or key=)", resolved_key),
                ("secret (PUSHER_SECRET or secret=)", resolved_secret),
            )
            if not value
        ]
        if missing or resolved_id is None or not resolved_key or not resolved_secret:
            raise ConfigurationError(
                "The direct Pusher transport is missing: " + ", ".join(missing) + ".",
                hint="Or set PUSHER_URL=https://KEY:SECRET@HOST/apps/APP_ID.",
            )

        return cls(
            app_id=resolved_id,
            key=resolved_key,
            secret=resolved_secret,
            host=_host(host, cluster, base, environment),
            port=port or base.get("port") or _port(environment.get("PUSHER_PORT")),
            use_tls=_use_tls(use_tls, base, environment),
        )


def _first(environment: Mapping[str, str], name: str) -> str | None:
    """Return `PUSHER_{name}` or `PUSHER_APP_{name}`."""
    return environment.get(f"PUSHER_{name}") or environment.get(f"PUSHER_APP_{name}")


def _host(
    host: str | None,
    cluster: str | None,
    base: Mapping[str, Any],
    environment: Mapping[str, str],
) -> str:
    """Pick the REST host: explicit host, cluster, URL, environment, mt1."""
    if host:
        return host
    chosen_cluster = cluster or (None if base else environment.get("PUSHER_CLUSTER"))
    if chosen_cluster:
        if not _CLUSTER.fullmatch(chosen_cluster):
            raise ConfigurationError(
                f"The Pusher cluster {chosen_cluster!r} is not valid.",
                hint="Use a cluster name such as mt1, eu, us2 or ap1.",
            )
        return f"api-{chosen_cluster}.pusher.com"
    if base.get("host"):
        return str(base["host"])
    return environment.get("PUSHER_HOST") or f"api-{DEFAULT_CLUSTER}.pusher.com"


def _port(text: str | None) -> int | None:
    """Parse `PUSHER_PORT`."""
    if not text:
        return None
    if not text.isdigit():
        raise ConfigurationError(f"PUSHER_PORT={text!r} is not a port number.")
    return int(text)


def _use_tls(
    use_tls: bool | None, base: Mapping[str, Any], environment: Mapping[str, str]
) -> bool:
    """HTTPS unless told otherwise by the argument, the URL or the environment."""
    if use_tls is not None:
        return use_tls
    if "use_tls" in base:
        return bool(base["use_tls"])
    flag = environment.get("PUSHER_USE_TLS")
    return True if flag is None else flag.strip().lower() in _TRUE


def _register_url_secret(url: str) -> None:
    """Register what could be the secret of a URL, even of a malformed one.

    The secret sits between the first `:` and the last `@` of the authority;
    without an `@`, a URL cut short (`https://key:secret`) puts it where a
    port would be, so a non-numeric "port" counts as the secret too.
    """
    rest = url.partition("://")[2] or url
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    user_info, at, host = authority.rpartition("@")
    if at:
        candidate = user_info.partition(":")[2]
    elif host.startswith("["):
        return  # an IPv6 host without credentials: its colons hold no secret
    else:
        candidate = host.partition(":")[2]
    if not candidate or candidate.isdigit():
        return
    register_secret(candidate)
    register_secret(unquote(candidate))


def _url_error(reason: str) -> ConfigurationError:
    """Explain a malformed `PUSHER_URL` without repeating it (it holds a secret)."""
    return ConfigurationError(
        f"The Pusher URL is not valid: {reason}.",
        hint="Expected http(s)://KEY:SECRET@HOST[:PORT]/apps/APP_ID.",
    )
