"""The troubleshooting context: which account, runtime, endpoint and project we look at.

Values come, in increasing priority, from ``.bedrock_agentcore.yaml`` in the
project directory, the standard AWS environment variables, and explicit flags.
The context holds where the bearer token comes from, never the token itself in
anything that gets printed.
"""

from __future__ import annotations

import dataclasses
import errno
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.files import user_path
from tui.i18n import _, os_reason
from tui.redact import register_secret

DEFAULT_TIMEOUT = 10.0
TIMEOUT_RANGE = (0.1, 600.0)
"""``--timeout`` and ``AGENTCORE_TRIAGE_TIMEOUT``: seconds per check, both ends included."""
MAX_TOKEN_BYTES = 64 * 1024
"""A token file (or variable) longer than this is refused unread: a bearer token is a few KiB at most."""
READ_ONLY_WORDS = {"1": True, "true": True, "yes": True, "on": True, "y": True}
READ_ONLY_WORDS |= {"0": False, "false": False, "no": False, "off": False, "n": False, "": False}
"""``AGENTCORE_TRIAGE_READ_ONLY``, case-insensitive; any other value is an error (never silently writable)."""


class TokenUnusable(ValueError):
    """Why a token source gives no usable token (one line; never the token or any part of it)."""


@dataclass
class Context:
    """Everything a check may need to know about the target.

    A plain dataclass, not pydantic: the TUI builds one before its first frame.
    """

    profile: str | None = None
    region: str | None = None
    runtime: str | None = None
    """Runtime ARN, id or name, as the user gave it."""
    endpoint: str | None = None
    """MCP endpoint URL (``https://…/invocations?qualifier=DEFAULT`` or ``http://host:8000/mcp``)."""
    qualifier: str | None = None
    """``--qualifier``: the runtime endpoint the AWS checks look at. None: the endpoint URL's ``?qualifier=``, else
    DEFAULT (``endpoint_name`` says which)."""
    token_env: str | None = None
    token_file: str | None = None
    project: str | None = None
    """Directory of the MCP server project (``mcp_server.py``, ``requirements.txt``, ``Dockerfile``)."""
    agent: str | None = None
    """The agent of ``.bedrock_agentcore.yaml`` looked at (``--agent``, else its default)."""
    agentcore: dict[str, Any] = field(default_factory=dict)
    """What ``.bedrock_agentcore.yaml`` says about that agent (``SelectedAgent.summary()``), or why it was ignored."""
    read_only: bool = False
    timeout: float = DEFAULT_TIMEOUT
    sandbox: bool = False
    """True when the context points at the embedded demo sandbox."""
    inputs: dict[str, Any] = field(default_factory=dict)
    """Extra values declared by the playbook's ``inputs``."""
    sources: dict[str, str] = field(default_factory=dict)
    """Where each value came from (flag, env, .bedrock_agentcore.yaml)."""

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Context:
        """A copy with some fields replaced (same name as pydantic's, which callers used first)."""
        return dataclasses.replace(self, **(update or {}))

    def values(self) -> dict[str, Any]:
        """Names a playbook can interpolate (``{region}``, ``{runtime}``, ...)."""
        base = {
            "profile": self.profile,
            "region": self.region,
            "runtime": self.runtime,
            "endpoint": self.endpoint,
            "qualifier": self.endpoint_name,
            "project": self.project,
            "token_source": self.token_source,
            "timeout": self.timeout,
        }
        base.update(self.inputs)
        return {k: v for k, v in base.items() if v is not None}

    @property
    def endpoint_name(self) -> str:
        """The runtime endpoint (qualifier) the AWS checks look at: ``--qualifier``, else the ``?qualifier=`` of an
        AgentCore invocation URL, else DEFAULT.

        Derived, not stored: the TUI's start screen may change the endpoint URL after the context was built, and the
        qualifier must follow it. Only DEFAULT was ever looked at: a URL with ``?qualifier=prod`` had the DEFAULT
        endpoint checked (another version, another status) and reported healthy.
        """
        if given(self.qualifier):
            return str(self.qualifier).strip()
        found = url_qualifiers(self.endpoint)
        return found[0] if len(found) == 1 and found[0] else DEFAULT_QUALIFIER

    def qualifier_problem(self) -> str | None:
        """Why the qualifier cannot name a runtime endpoint, or why ``--qualifier`` and the endpoint URL disagree
        (None when neither is wrong): one line, said before anything runs."""
        flag = _flag_or_source(self, "qualifier", "--qualifier")
        explicit = str(self.qualifier).strip() if given(self.qualifier) else None
        if explicit is not None and (problem := qualifier_text_problem(explicit)):
            return f"{flag} {_shown(explicit, QUALIFIER_SHOWN)}: {problem}"
        in_url = url_qualifiers(self.endpoint)
        where = _flag_or_source(self, "endpoint", "--endpoint")
        if len(in_url) > 1:
            return _("{where}: the URL has {count} qualifier parameters; give one (?qualifier=NAME)").format(
                where=where, count=len(in_url)
            )
        if in_url and (problem := qualifier_text_problem(in_url[0])):
            return _("{where}: ?qualifier={qualifier}: {problem}").format(
                where=where, qualifier=_shown(in_url[0], QUALIFIER_SHOWN, strip=False), problem=problem
            )
        if explicit is None or not is_invocation_url(self.endpoint):
            return None
        url_value = in_url[0] if in_url else None
        if (url_value or DEFAULT_QUALIFIER) == explicit:  # `--qualifier DEFAULT` with a URL that names none agrees
            return None
        # The probe calls what the URL names (AgentCore: no ?qualifier= is DEFAULT), the AWS checks what the flag
        # names: two different endpoints in one report.
        return _(
            "{flag} {qualifier} but {where} calls the endpoint {url_value}: give one (or make them the same)"
        ).format(
            flag=flag,
            qualifier=_shown(explicit, QUALIFIER_SHOWN),
            where=where,
            url_value=_shown(url_value, QUALIFIER_SHOWN) if url_value else _("DEFAULT (the URL has no ?qualifier=)"),
        )

    @property
    def token_source(self) -> str | None:
        """Human description of where the bearer token comes from (never the token)."""
        if self.token_env:
            return f"env:{self.token_env}"
        if self.token_file:
            return f"file:{self.token_file}"
        return None

    def token(self) -> str | None:
        """Read the bearer token; it is registered with the redactor before anyone sees it.

        None when no source is configured or the source gives no usable token (``token_problem()`` says why).
        """
        try:
            return self._read_token()
        except TokenUnusable:
            return None

    def _read_token(self) -> str | None:
        raw: str | None = None
        if self.token_env:
            raw = os.environ.get(self.token_env)
        elif self.token_file:
            raw = read_token_file(user_path(self.token_file))
        if raw is None:
            return None
        value = raw.strip()
        problem = token_text_problem(value)
        if problem:
            _register_parts(value)  # refused, never sent; still kept out of anything printed
            raise TokenUnusable(problem)
        register_secret(value)
        return value or None

    def token_problem(self) -> str | None:
        """Why the configured token source yields no token (None when it does, or when none is configured).

        A token source that was asked for but gives nothing must not silently turn
        into "no token": the endpoint checks would then blame the runtime's authorizer.
        """
        if self.token_env:
            flag = _flag_or_source(self, "token_env", "--token-env")
            value = os.environ.get(self.token_env)
            # Never "NAME: reason": the redactor reads `BEARER_TOKEN: that …` as a secret assignment and masks
            # the reason's first word, so the line looked as if it hid the token.
            if value is None:
                return _("{flag} {name} is not set in the environment (export it, or use --token-file PATH)").format(
                    flag=flag, name=self.token_env
                )
            if not value.strip():
                return _("{flag} {name} is set but empty (put the bearer token in it)").format(
                    flag=flag, name=self.token_env
                )
            problem = token_text_problem(value.strip())
            return _unusable(flag, self.token_env, problem) if problem else None
        if not self.token_file:
            return None
        flag = _flag_or_source(self, "token_file", "--token-file")
        try:
            text = read_token_file(user_path(self.token_file))
        except TokenUnusable as exc:
            return _unusable(flag, self.token_file, str(exc))
        if not text.strip():
            return _("{flag} {name} is an empty file (put the bearer token in it)").format(
                flag=flag, name=self.token_file
            )
        problem = token_text_problem(text.strip())
        return _unusable(flag, self.token_file, problem) if problem else None

    def endpoint_problem(self) -> str | None:
        """Why ``endpoint`` is not a usable http(s) URL (None when it is, or when none is set)."""
        if not self.endpoint:
            return None
        problem = endpoint_url_problem(self.endpoint)
        if problem is None:
            return None
        return f"{_flag_or_source(self, 'endpoint', '--endpoint')} {self.endpoint!r}: {problem}"

    def runtime_problem(self) -> str | None:
        """Why ``runtime`` can be no runtime ARN, id or name (``runtime_text_problem``), or None: one line naming
        where it came from, said before anything runs. Before, `--runtime $'a\\nb'` split the report's target line,
        100,000 characters were printed whole, and `arn:…:runtime/<ESC>[2J` was sent to GetAgentRuntime."""
        if not given(self.runtime):
            return None
        problem = runtime_text_problem(str(self.runtime).strip())
        return f"{_flag_or_source(self, 'runtime', '--runtime')} {problem}" if problem else None

    def region_problem(self) -> str | None:
        """Why ``region`` cannot be a region name (botocore's own rule), or None: caught here, a mistyped region is
        one line instead of every AWS check failing with the same botocore message."""
        if not self.region or _REGION_NAME.fullmatch(self.region):
            return None
        shown = self.region if len(self.region) <= 60 else self.region[:57] + "..."
        return _("{flag} {value}: not a region name (e.g. us-east-1)").format(
            flag=_flag_or_source(self, "region", "--region"), value=repr(shown)
        )

    def project_problem(self) -> str | None:
        """Why ``project`` cannot even be looked up (a name longer than the system allows), or None. A directory
        that does not exist is not a problem here: the project checks say so, each in its own terms."""
        if not self.project:
            return None
        try:
            os.stat(user_path(self.project))
        except OSError as exc:
            if exc.errno == errno.ENAMETOOLONG:
                return f"{_flag_or_source(self, 'project', '--project')} {self.project!r}: {os_reason(exc)}"
        return None

    def public(self) -> dict[str, Any]:
        """The context as it may appear in reports: no secrets, only where they come from."""
        data = {k: v for k, v in dataclasses.asdict(self).items() if k not in ("token_env", "token_file", "sources")}
        data["token_source"] = self.token_source
        if given(self.qualifier) or self.endpoint_name != DEFAULT_QUALIFIER:
            data["qualifier"] = self.endpoint_name  # which endpoint the AWS findings are about, when not DEFAULT
        return {k: v for k, v in data.items() if v not in (None, {}, "")}


def read_token_file(path: Path) -> str:
    """The text of a token file: a regular file of at most ``MAX_TOKEN_BYTES``, UTF-8 (a BOM is dropped).

    A pipe, device or socket is refused before it is read (``/dev/zero`` never ends, a FIFO without a writer
    never answers); the file is opened without waiting and checked again once open. Raises ``TokenUnusable``.
    """
    from tui.files import NotARegularFile, read_regular

    try:
        data = read_regular(path, MAX_TOKEN_BYTES)
    except NotARegularFile as exc:
        raise TokenUnusable(_not_a_file(exc.directory)) from None
    except FileNotFoundError:
        raise TokenUnusable(_("no such file (give the path of a file holding the bearer token)")) from None
    except PermissionError:
        raise TokenUnusable(_("not readable (permission denied); check its permissions")) from None
    except OSError as exc:
        raise TokenUnusable(_("cannot be read ({reason})").format(reason=os_reason(exc))) from None
    if len(data) > MAX_TOKEN_BYTES:
        raise TokenUnusable(_too_large())
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TokenUnusable(_("not UTF-8 text; the file must hold the bearer token as plain text")) from None


def _not_a_file(directory: bool) -> str:
    if directory:
        return _("it is a directory, not a file holding the bearer token")
    return _("not a regular file (a pipe, device or socket); give the path of a file holding the bearer token")


def _too_large() -> str:
    return _("too large (over {size} KiB): a bearer token is far shorter; put only the token in it").format(
        size=MAX_TOKEN_BYTES // 1024
    )


_TOKEN_CHARACTER = re.compile(r"[!-~]*")
"""Visible ASCII: what an HTTP header value (``Authorization: Bearer …``) can carry unchanged."""


def token_text_problem(token: str) -> str | None:
    """What makes ``token`` (already stripped of surrounding whitespace) unusable as a bearer token, or None.

    Says what kind of character is in the way, never which: the text around it may be the secret.
    """
    if len(token.encode("utf-8", "surrogatepass")) > MAX_TOKEN_BYTES:
        return _too_large()
    if _TOKEN_CHARACTER.fullmatch(token):
        return None
    if "\n" in token or "\r" in token:
        return _("the token holds more than one line; put only the bearer token in it, on one line")
    if " " in token or "\t" in token:
        return _("the token contains a space or tab; put only the bearer token in it")
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in token):
        return _("the token contains a control character (a NUL byte?); put only the bearer token in it")
    return _("the token contains non-ASCII characters; a bearer token is plain ASCII")


def _register_parts(value: str) -> None:
    """A refused token and its pieces become secrets too (a few: a hostile file must not slow every redaction)."""
    register_secret(value)
    for part in [p for p in re.split(r"[^!-~]+", value) if len(p) >= 6][:16]:
        register_secret(part)


def read_only_value(raw: str | None, name: str = "AGENTCORE_TRIAGE_READ_ONLY") -> bool:
    """The read-only switch of a variable: 1/true/yes/on/y or 0/false/no/off/n/empty, any case; else ValueError."""
    if raw is None:
        return False
    word = raw.strip().lower()
    if word in READ_ONLY_WORDS:
        return READ_ONLY_WORDS[word]
    raise ValueError(
        _(
            "{name} {value}: neither yes nor no, so nothing was run; use 1, true, yes or on (read-only)"
            " or 0, false, no or off (fixes allowed)"
        ).format(name=name, value=_shown(raw))
    )


def parse_seconds(value: str | float, low: float, high: float) -> float:
    """``value`` as seconds, finite and within ``low``..``high``; else ValueError (the reason, naming no flag).

    ``--timeout``, ``AGENTCORE_TRIAGE_TIMEOUT`` and ``logs --poll-interval`` share it: NaN compares false
    with every bound, so a range check alone lets it through.
    """
    try:
        seconds = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError, OverflowError):
        seconds = math.nan
    if math.isfinite(seconds) and low <= seconds <= high:
        return seconds
    shown = _shown(value) if isinstance(value, str) else f"{value:g}"
    raise ValueError(
        _("{value} is not a number of seconds from {low:g} to {high:g}").format(value=shown, low=low, high=high)
    )


def environment_problem(env: Any = None) -> str | None:
    """What is wrong with the switches every command reads from the environment (read-only, timeout), or None.

    For a command that does work before it builds its context (``demo`` starts a sandbox first): said before."""
    env = os.environ if env is None else env
    try:
        read_only_value(env.get("AGENTCORE_TRIAGE_READ_ONLY"))
        _timeout(None, env)
    except ValueError as exc:
        return str(exc)
    return None


def _timeout(flag: float | str | None, env: Any) -> float:
    """The per-check timeout: the flag, else ``AGENTCORE_TRIAGE_TIMEOUT``, else the default (checked either way)."""
    low, high = TIMEOUT_RANGE
    if flag is not None:
        name, raw = "--timeout", flag
    else:
        raw = env.get("AGENTCORE_TRIAGE_TIMEOUT")
        if raw is None or not raw.strip():
            return DEFAULT_TIMEOUT
        name = "AGENTCORE_TRIAGE_TIMEOUT"
    try:
        return parse_seconds(raw, low, high)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None


def _shown(value: str, limit: int = 40, *, strip: bool = True) -> str:
    """A value as an error line may quote it: repr (control characters escaped), cut at ``limit`` characters."""
    text = value.strip() if strip else value
    return repr(text[:limit]) + ("…" if len(text) > limit else "")


def _unusable(flag: str, name: str, reason: str) -> str:
    """``--token-file token.txt is unusable: <reason>`` (see ``token_problem`` for why not ``token.txt: <reason>``)."""
    return _("{flag} {name} is unusable: {reason}").format(flag=flag, name=name, reason=reason)


def _flag_or_source(ctx: Context, name: str, flag: str) -> str:
    """How to name a value in an error: the flag, or the variable/file it came from."""
    source = ctx.sources.get(name, "flag")
    return flag if source == "flag" else source.removeprefix("env ")


MAX_RUNTIME_CHARS = 256
"""Characters of a runtime ARN, id or name: the longest AWS makes (an ARN in a long partition and region, with an
endpoint's tail) is about 200; a longer value is a pasted file or a runaway variable."""
_RUNTIME_ARN = re.compile(
    r"arn:aws(?:-[a-z0-9]+)*:bedrock-agentcore:[a-z0-9-]+:[0-9]+:runtime/[A-Za-z0-9_-]+"
    r"(?::[0-9]+|/runtime-endpoint/[A-Za-z0-9_]+)?"
)
"""A runtime's ARN (``arn:aws:bedrock-agentcore:REGION:ACCOUNT:runtime/ID``; AWS's pattern, ``AgentRuntimeArn`` in
botocore's model), also with a version or an endpoint's tail, which ``tui.aws.runtimes`` reads too. Loose where a
lookup can still answer (the account's 12 digits, the id's 10-character suffix): a placeholder ARN in a project's
``.bedrock_agentcore.yaml`` (``…runtime/mcp_server-EXAMPLE``) leaves its project checks running and is "not found"."""
_RUNTIME_WORD = re.compile(r"[A-Za-z0-9_-]+")
"""A runtime name (AWS: a letter, then letters, digits and ``_``) or id (the name, ``-`` and 10 letters or digits);
``-`` anywhere, as a mistyped name is better answered by the listing ("no runtime named …") than refused here."""


def runtime_text_problem(runtime: str) -> str | None:
    """``'<runtime, cut and escaped>': <why>`` when ``runtime`` can be no runtime ARN, id or name, else None: control
    characters, spaces, characters none of them holds, an ARN of something else, an absurd length."""
    shown = _shown(runtime, 100, strip=False)
    if len(runtime) > MAX_RUNTIME_CHARS:
        return _("{value}: {count} characters; a runtime ARN, id or name has at most {limit}").format(
            value=shown, count=len(runtime), limit=MAX_RUNTIME_CHARS
        )
    if any(c.isspace() or not c.isprintable() for c in runtime):
        return _("{value}: a runtime ARN, id or name holds no spaces or control characters").format(value=shown)
    if runtime.lower().startswith(("http://", "https://")):
        return _("{value}: an endpoint URL, not a runtime; give it with --endpoint").format(value=shown)
    if "%" in runtime:  # the ARN as the invocation URL writes it (arn%3Aaws%3Abedrock-agentcore…), copied from there
        from urllib.parse import unquote

        decoded = unquote(runtime)
        if decoded != runtime and runtime_text_problem(decoded) is None:
            return _("{value}: URL-encoded; give it as {decoded}").format(value=shown, decoded=decoded)
    if runtime.startswith("arn:"):
        if _RUNTIME_ARN.fullmatch(runtime):
            return None
        return _("{value}: not a runtime ARN (arn:aws:bedrock-agentcore:REGION:ACCOUNT:runtime/ID)").format(value=shown)
    if _RUNTIME_WORD.fullmatch(runtime):
        return None
    return _("{value}: not a runtime ARN, id or name (a name is letters, digits and _; an id adds -XXXXXXXXXX)").format(
        value=shown
    )


def is_region_name(name: str) -> bool:
    """Whether ``name`` can be a region name (botocore's own rule: ``us-east-1``, not ``us_east_1``)."""
    return bool(_REGION_NAME.fullmatch(name))


_REGION_NAME = re.compile(r"(?![0-9]+$)(?!-)[a-zA-Z0-9-]{1,63}(?<!-)")
"""botocore's check of a region name (``botocore.utils.validate_region_name``): letters, digits and inner dashes."""


def endpoint_url_problem(url: str) -> str | None:
    """What is wrong with an MCP endpoint URL (scheme, host, port), or None when it can be probed."""
    from urllib.parse import urlsplit

    example = "e.g. http://localhost:8000/mcp or https://bedrock-agentcore.REGION.amazonaws.com/runtimes/…/invocations"
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        return f"not a valid URL ({exc}); {example}"
    if parts.scheme not in ("http", "https"):
        shown = f"scheme {parts.scheme!r}" if parts.scheme else "no http:// or https://"
        return f"{shown}: the endpoint must be an http:// or https:// URL, {example}"
    if not parts.hostname:
        return f"the URL has no host; {example}"
    if any(c.isspace() for c in parts.netloc):
        return f"the host contains spaces; {example}"
    if not url.strip().isprintable():
        # an escape or control character (pasted from a terminal) made every probe end as "unexpected: InvalidURL"
        return f"the URL contains a control character (at {next(i for i, c in enumerate(url.strip()) if not c.isprintable())}); {example}"
    host = parts.hostname
    if len(host) > 253 or any(len(label) > 63 for label in host.rstrip(".").split(".")):
        # DNS limits: such a name cannot be looked up (the resolver's IDNA step failed with a bare UnicodeError)
        return f"the host name is too long for DNS (253 characters, 63 between dots); {example}"
    if port == 0:
        return f"port 0 cannot be connected to; {example}"
    return None


DEFAULT_QUALIFIER = "DEFAULT"
"""The runtime endpoint AgentCore provisions itself, always on the latest version; an invocation without
``?qualifier=`` calls it."""
QUALIFIER_SHOWN = 60
"""Characters of a qualifier an error line quotes (a valid one is at most 48)."""
_ENDPOINT_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9_]{0,47}")
"""AgentCore's pattern for an endpoint name (CreateAgentRuntimeEndpoint ``name``, API reference)."""
_VERSION_NUMBER = re.compile(r"[1-9][0-9]{0,4}")
"""AgentCore's pattern for a runtime version (``agentRuntimeVersion``): InvokeAgentRuntime's qualifier may be one."""
_INVOCATION_PATH = re.compile(r".*/runtimes/[^/]+/invocations/?")
"""The path of an AgentCore invocation URL; only there does ``?qualifier=`` name a runtime endpoint."""


def is_version_qualifier(qualifier: str) -> bool:
    """Whether ``qualifier`` is a runtime version number (InvokeAgentRuntime calls that version, not an endpoint)."""
    return bool(_VERSION_NUMBER.fullmatch(qualifier))


def qualifier_text_problem(qualifier: str) -> str | None:
    """Why ``qualifier`` can be neither an endpoint name nor a version number (AWS would refuse it), or None."""
    if _ENDPOINT_NAME.fullmatch(qualifier) or _VERSION_NUMBER.fullmatch(qualifier):
        return None
    if not qualifier:
        return _("empty: name the runtime endpoint (DEFAULT, or one made with create-agent-runtime-endpoint)")
    return _("not a runtime endpoint name (a letter, then up to 47 letters, digits or _) nor a version number")


def is_invocation_url(url: str | None) -> bool:
    """Whether ``url`` is an AgentCore invocation URL (``…/runtimes/<ARN>/invocations``)."""
    from urllib.parse import urlsplit

    if not url:
        return False
    try:
        return bool(_INVOCATION_PATH.fullmatch(urlsplit(url.strip()).path))
    except ValueError:
        return False


MAX_QUERY_FIELDS = 64
"""Query parameters of an endpoint URL read for ``qualifier`` (a real invocation URL has one)."""


def url_qualifiers(url: str | None) -> list[str]:
    """The ``qualifier`` values (URL-decoded, in order) of an AgentCore invocation URL; [] for any other URL or
    when it has none. Bounded: at most ``MAX_QUERY_FIELDS`` parameters are read."""
    from urllib.parse import parse_qsl, unquote_plus, urlsplit

    if not url or not is_invocation_url(url):
        return []
    query = urlsplit(url.strip()).query
    try:
        fields = parse_qsl(query, keep_blank_values=True, max_num_fields=MAX_QUERY_FIELDS)
    except ValueError:
        # More fields than that. It read as "no qualifier" (DEFAULT): `qualifier=p` 10,000 times ran the AWS checks
        # on DEFAULT while the probes called p. The qualifier fields are still found (linear in the URL's length),
        # so qualifier_problem says how many there are, and one among many other parameters is still read.
        pieces = (piece.partition("=") for piece in query.split("&"))
        return [unquote_plus(value) for name, _sep, value in pieces if unquote_plus(name) == "qualifier"]
    # Not stripped: the probe sends `?qualifier=%20prod` as it is, so the AWS checks must not look at `prod`.
    return [value for name, value in fields if name == "qualifier"]


CONTEXT_NAMES = frozenset(
    {"profile", "region", "runtime", "endpoint", "qualifier", "project", "token_source", "timeout"}
)
"""Context names every playbook may interpolate without declaring them."""


def agentcore_agent(project: str | os.PathLike[str] | None) -> dict[str, Any]:
    """The default agent's section of a starter-toolkit ``.bedrock_agentcore.yaml`` ({} when absent or broken).

    ``entrypoint`` is the file path (without the toolkit's ``:app`` suffix). Never raises: a broken
    project file must not stop the tool from starting (``build_context`` reports it).
    """
    from tui.project.agentcore_config import AgentcoreConfigError, read_agent

    try:
        selected = read_agent(project) if project else None
    except AgentcoreConfigError:
        return {}
    if selected is None:
        return {}
    return selected.agent.model_dump() | {"entrypoint": selected.agent.entrypoint_file}


def read_agentcore_config(project: str | os.PathLike[str] | None) -> dict[str, str]:
    """Pull runtime ARN, region and execution role from a starter-toolkit ``.bedrock_agentcore.yaml``."""
    from tui.project.agentcore_config import AgentcoreConfigError, read_agent

    try:
        selected = read_agent(project) if project else None
    except AgentcoreConfigError:
        return {}
    return selected.context_values() if selected else {}


def _project_config(project: str | None, agent: str | None) -> tuple[Any, dict[str, Any]]:
    """The selected agent of ``project``'s (else the current directory's) project file, and its report summary.

    An ambiguous or unknown agent raises (one line, exit 2); a broken file is reported in the summary
    and otherwise ignored, so it cannot stop the tool from starting.
    """
    from tui.project.agentcore_file import find

    directory = project or os.getcwd()
    if not agent and find(directory) is None:
        return None, {}  # what read_agent answers without a file, without building its models (start-up time)
    from tui.project import agentcore_config as config

    try:
        selected = config.read_agent(directory, agent)
    except config.AgentChoiceError:
        raise
    except config.AgentcoreConfigError as exc:
        if agent:
            raise
        return None, {"file": str(find(directory)), "error": str(exc)}
    except (ValueError, RecursionError) as exc:  # what the YAML reader itself refuses (an integer of 5,000 digits)
        problem = _("{file}: a value the YAML reader refused: {reason}").format(
            file=find(directory), reason=str(exc)[:200]
        )
        if agent:
            raise config.AgentcoreConfigError(problem) from None
        return None, {"file": str(find(directory)), "error": problem}
    return selected, selected.summary() if selected else {}


def aws_config_region(profile: str | None, environ: dict[str, str] | None = None) -> str | None:
    """The region of ``profile`` in the AWS config file (``AWS_CONFIG_FILE`` or ``~/.aws/config``), without boto3."""
    env = os.environ if environ is None else environ
    try:
        path = user_path(env.get("AWS_CONFIG_FILE") or "~/.aws/config")
    except ValueError:  # no home directory to find it in: no region from it
        return None
    if not path.is_file():
        return None
    import configparser  # only when there is a config file, and after the first frame (the form calls this)

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, OSError, UnicodeDecodeError):
        return None
    name = profile or env.get("AWS_PROFILE") or "default"
    section = "default" if name == "default" else f"profile {name}"
    if parser.has_section(section):
        return parser.get(section, "region", fallback=None) or None
    return None


def parse_token_source(text: str) -> dict[str, str | None]:
    """``env:VAR`` / ``file:PATH`` (a bare name is an environment variable, a bare path a file)."""
    text = text.strip()
    if not text:
        return {"token_env": None, "token_file": None}
    kind, sep, rest = text.partition(":")
    if sep and kind in ("env", "file"):
        return (
            {"token_env": rest or None, "token_file": None}
            if kind == "env"
            else {"token_env": None, "token_file": rest or None}
        )
    if "/" in text or text.startswith("~") or text.startswith("."):
        return {"token_env": None, "token_file": text}
    return {"token_env": text, "token_file": None}


def build_context(
    *,
    profile: str | None = None,
    region: str | None = None,
    runtime: str | None = None,
    endpoint: str | None = None,
    qualifier: str | None = None,
    token_env: str | None = None,
    token_file: str | None = None,
    project: str | None = None,
    agent: str | None = None,
    read_only: bool = False,
    timeout: float | None = None,
    inputs: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
) -> Context:
    """Merge flags, environment and project config into a ``Context``.

    The project file is ``.bedrock_agentcore.yaml`` in ``project``, else in the current directory (which then
    becomes the project, as for the ``agentcore`` CLI). Raises ``ValueError`` (one line) when ``agent`` is not in
    it, or when it has several agents and no default; and when ``AGENTCORE_TRIAGE_READ_ONLY`` is not a yes/no word
    or the timeout (flag, else ``AGENTCORE_TRIAGE_TIMEOUT``) is not finite seconds in ``TIMEOUT_RANGE``.
    """
    env = os.environ if environ is None else environ
    sources: dict[str, str] = {}
    # The variables that can only be wrong are checked first (one line each; an unknown read-only word fails closed).
    env_read_only = read_only_value(env.get("AGENTCORE_TRIAGE_READ_ONLY"))
    seconds = _timeout(timeout, env)
    if read_only or env_read_only:
        sources["read_only"] = "flag" if read_only else "env AGENTCORE_TRIAGE_READ_ONLY"
    if project:
        sources["project"] = "flag"
    elif env.get("AGENTCORE_TRIAGE_PROJECT"):
        project, sources["project"] = env["AGENTCORE_TRIAGE_PROJECT"], "env AGENTCORE_TRIAGE_PROJECT"
    agent = agent or env.get("AGENTCORE_TRIAGE_AGENT") or None
    selected, agentcore = _project_config(project, agent)
    from_file = selected.context_values() if selected else {}
    if not project and agentcore:
        project = str(Path(agentcore["file"]).parent)
        sources["project"] = ".bedrock_agentcore.yaml in the current directory"

    def pick(name: str, flag: Any, *env_names: str) -> Any:
        # blank is not given: `--runtime '   '` counted as a runtime ("set: runtime") and reached AWS as one
        if given(flag):
            sources[name] = "flag"
            return flag
        for env_name in env_names:
            if given(env.get(env_name)):
                sources[name] = f"env {env_name}"
                return env[env_name]
        if name in from_file:
            sources[name] = ".bedrock_agentcore.yaml"
            return from_file[name]
        return None

    ctx = Context(
        profile=pick("profile", profile, "AWS_PROFILE"),
        region=pick("region", region, "AWS_REGION", "AWS_DEFAULT_REGION"),
        runtime=pick("runtime", runtime, "AGENTCORE_TRIAGE_RUNTIME"),
        endpoint=pick("endpoint", endpoint, "AGENTCORE_TRIAGE_ENDPOINT"),
        qualifier=pick("qualifier", qualifier),
        **_token_source(token_env, token_file, env, sources, pick),
        project=project,
        agent=selected.agent.name if selected else agent,
        agentcore=agentcore,
        read_only=read_only or env_read_only,
        timeout=seconds,
        sandbox=env.get("AGENTCORE_TRIAGE_SANDBOX", "") == "1",
        inputs=dict(inputs or {}),
        sources=sources,
    )
    _register_url_secrets(ctx.endpoint)
    return ctx


TOKEN_VARIABLES = {"token_env": "AGENTCORE_TRIAGE_TOKEN_ENV", "token_file": "AGENTCORE_TRIAGE_TOKEN_FILE"}
"""The two ways to name where the bearer token is (the variable's, the file's) and the variables that set them."""


def _token_source(
    token_env: str | None, token_file: str | None, env: Any, sources: dict[str, str], pick: Any
) -> dict[str, str | None]:
    """Where the bearer token is read from: one place, a flag over any variable, as for every other setting.

    Both were read on their own, and the environment variable won: `--token-file F` with AGENTCORE_TRIAGE_TOKEN_ENV
    set in the shell read the variable's token, and `--token-env V --token-file F` read V, each without a word.
    """
    flags = {name: value for name, value in (("token_env", token_env), ("token_file", token_file)) if given(value)}
    if len(flags) == 2:
        raise ValueError(_("--token-env and --token-file both given: the token is read from one place, give one"))
    if flags:
        ((name, value),) = flags.items()
        sources[name] = "flag"
        return {"token_env": None, "token_file": None, name: value}
    both = [variable for variable in TOKEN_VARIABLES.values() if given(env.get(variable))]
    if len(both) == 2:
        raise ValueError(
            _("{first} and {second} are both set: the token is read from one place, unset one").format(
                first=both[0], second=both[1]
            )
        )
    return {name: pick(name, None, variable) for name, variable in TOKEN_VARIABLES.items()}


def given(value: Any) -> bool:
    """A value the user gave: not None and, for text, not blank (`--runtime '   '` counts as not given)."""
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def _register_url_secrets(url: str | None) -> None:
    """A password in the endpoint URL (``https://user:secret@host/``) is a secret like the token."""
    if not url:
        return
    from urllib.parse import unquote, urlsplit

    try:
        password = urlsplit(url.strip()).password
    except ValueError:
        password = None
    for secret in (password, _loose_password(url.strip())):
        if secret:
            register_secret(secret)
            register_secret(unquote(secret))


def _loose_password(url: str) -> str | None:
    """The password of a URL without its "//" (``user:pw@host/mcp``, ``http:/u:pw@x``, ``http//u:pw@x``), which
    urlsplit does not see, although the error refusing such a URL quotes it whole."""
    at = url.find("@")
    if at <= 0:
        return None
    userinfo = re.sub(r"^[A-Za-z][\w+.-]*:?/{1,2}", "", url[:at])  # a scheme however mistyped
    if "/" in userinfo or ":" not in userinfo:
        return None
    return userinfo.split(":", 1)[1] or None
