"""Keep tokens and secret keys out of every log, report and screen.

Two layers: values registered at run time (the bearer token the user gave us,
secret keys from the environment) are replaced wherever they appear, and
anything that looks like a credential is masked by shape: JWTs, ``Authorization``
headers, AWS access key ids and secret keys (also as a metadata-service JSON answer
would spell them), SigV4 ``Credential=``/``Signature=`` and ``X-Amz-*`` query
parameters, PEM private keys, ``Cookie:``/``Set-Cookie:`` headers, the userinfo of a URL
(``https://user:pw@host``), secret-looking query parameters (``?api_key=…``, ``&token=…``),
well-known token formats wherever they stand (GitHub ``ghp_…``, Slack ``xoxb-…`` and webhook
URLs, Google ``AIza…``, ``sk-…``, Stripe, npm, GitLab), and dictionary keys named like secrets.

Assignments in free text (``API_TOKEN="…"``, ``export GITHUB_TOKEN=…``, ``password: …``, ``--api-key=…``)
lose their value when the key's name holds token, secret, password/passwd/pwd, api key, auth, jwt,
credential or private key; the key stays. Values that plainly are no secret stay too: numbers
(``max_tokens=100``), ``true``/``none``/``sigv4``-like words, URLs, keys naming something about a
secret (``token_file=``, ``auth_mode:``), and prose after a plain word and a colon
("could not load AWS credentials: set --profile").

Every pattern is linear (no nested repetition; bounded repeats where a match may backtrack), so
redacting a hostile body cannot hang.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable
from typing import Any

MASK = "***redacted***"

_SECRET_KEY_NAMES = re.compile(
    r"(authorization|token|secret|password|passwd|credential|api[_-]?key|session[_-]?token|private[_-]?key|cookie)",
    re.IGNORECASE,
)
# Keys whose names contain "token" but hold no secret.
_NOT_SECRET_KEYS = {
    "token_env",
    "token_file",
    "token_source",
    "nexttoken",
    "next_token",
    "token_claims",
    "token_expires",
}

_SECRET_PARAM = (
    r"(?:[a-z0-9_.-]*(?:token|secret|passw(?:or)?d|pwd|api[_-]?key|apikey|access[_-]?key|private[_-]?key|signature"
    r"|credential|session)|key|sig|auth|code|x-amz-[a-z-]*)"
)
"""Query/form parameter names whose value is a secret (``api_key``, ``access_token``, ``X-Amz-Signature``…)."""

# A value in a URL or in free text ends before a comma, full stop, semicolon or closing parenthesis that is followed by
# a space or the end of the text: "…?X-Amz-Signature=abc, expires …" keeps its ", " (one character class per step, so
# the repeat stays linear).
_QUERY_VALUE = r"(?:[^&#\s\"'<>,.;)]|[,.;)](?=[^&#\s\"'<>]))+"

# Well-known token formats, masked wherever they stand (no key name needed). Each starts with a fixed prefix.
_TOKEN_FORMATS = (
    r"\b(?:gh[pousr]_[A-Za-z0-9]{10,}|github_pat_[A-Za-z0-9_]{20,}"  # GitHub
    r"|xox[abeoprs]-[A-Za-z0-9-]{10,}|xapp-[A-Za-z0-9-]{10,}"  # Slack bot/user/app tokens
    r"|AIza[0-9A-Za-z_-]{35}"  # Google API keys
    r"|sk-(?:proj|svcacct|admin|ant)-[A-Za-z0-9_-]{20,}"  # OpenAI/Anthropic project, service and admin keys
    r"|sk-(?=[A-Za-z0-9_-]{0,48}[0-9])[A-Za-z0-9_-]{20,}"  # other sk-… keys (with a digit: sk-learn-… is no key)
    r"|(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{20,}"  # Stripe secret/restricted keys, webhooks
    r"|npm_[A-Za-z0-9]{30,}|glpat-[A-Za-z0-9_-]{20,})"  # npm and GitLab access tokens
)

# Key = value in free text (.env files, shell exports, YAML, JSON, log lines, CLI flags): a key whose name holds one of
# these words. "auth" is not "author"/"authority"; "pass" only as its own word (DB_PASS, not "bypass").
_KEY_WORD = (
    r"(?i:token|secret|passw(?:or)?d|pwd|passphrase|[_-]pass(?![a-z])|api[_-]?key|private[_-]?key"
    r"|auth(?!or(?!i[sz]))|jwt|credential)"
)
_STRONG_KEY = re.compile(r"secret|passw(?:or)?d|pwd|passphrase|[_-]pass(?![a-z])|api[_-]?key|private[_-]?key", re.I)
"""Keys whose every value is masked (a numeric password is still a password); the others keep numbers and URLs."""
# Keys ending in one of these words name something about a secret, not the secret (token_file=/path, auth_mode: sigv4,
# SecretId=name, max_tokens=100 is a number). Matched after "_", "-", "." or as a camelCase word.
_NOT_SECRET_SUFFIXES = (
    "file|files|path|dir|env|var|source|use|kind|type|mode|method|methods|count|length|size|limit|expires|expiry"
    "|expiration|exp|ttl|endpoint|url|uri|hint|name|names|header|scheme|provider|status|error|claims|id|ids|arn|issuer"
    "|audience|format|alg|location|policy|role|required|enabled|configured|valid|usage|manager|at|exception|message"
    "|reason"
)


def _not_suffix_lookbehinds(words: str) -> str:
    """Fixed-width negative lookbehinds (one per word length, as ``re`` wants them) refusing a key ending in a word."""
    by_length: dict[int, list[str]] = {}
    for word in words.split("|"):
        by_length.setdefault(len(word), []).append(word)
    parts = []
    for group in by_length.values():
        parts.append(r"(?<![_.-](?i:" + "|".join(group) + "))")
        parts.append(r"(?<![a-z0-9](?:" + "|".join(w.capitalize() for w in group) + "))")
    return "".join(parts)


_ASSIGNMENT = re.compile(
    # The key starts a word (not inside a path, a URL, an ARN or a longer name: …/etc/passwd': is no key; after a
    # JSON-escaped line break it does)…
    r"(?:(?<![A-Za-z0-9_./\\:-])|(?<=\\[nrt]))(?P<key>[A-Za-z0-9_.-]{0,64}"
    + _KEY_WORD
    + r"[A-Za-z0-9_.-]{0,32})"
    + r"(?=\\?[\"']?[ \t]{0,8}[:=])"  # (the name's end first: the lookbehinds below then run once per key)
    + _not_suffix_lookbehinds(_NOT_SECRET_SUFFIXES)
    + r"(?<!(?i:nexttoken))(?<!(?i:next_token))(?<!(?i:tokenizer))(?<!(?i:secretsmanager))(?<!(?i:sso-oauth))"
    # …then an optional closing quote, `=`, `:`, `:=` or `=>` (not `::`, not `://`)…
    r"(?P<sep>(?:\\?[\"'])?[ \t]{0,8}(?::=|=>|==?|:(?!:|//))[ \t]{0,8})"
    # …and the value: between quotes (also JSON-escaped ones, \"…\"; up to the end of the line when the closing quote
    # is missing), or unquoted up to a space, quote, `&`, `,`, `;`, `}` or a JSON escape (\n, \"). A value opening
    # with { [ ( is a structure, not a secret (its members are keys of their own); one opening with the mask was cut
    # where an earlier, more precise pattern saw the secret end (?token=***redacted***#frag keeps its #frag).
    r"(?:\\?\"(?P<dq>(?:[^\"\\\r\n]|\\[^\"\r\n])+)|\\?'(?P<sq>(?:[^'\\\r\n]|\\[^'\r\n])+)"
    r"|(?P<bare>(?![{\[(]|"
    + re.escape(MASK)
    + r")(?:[^\s\"'`&,;<>}.)\\]|[.)](?=[^\s\"'`&,;<>}\\])|\\(?![nrtbfu/\\\"']))+))"
)
_INERT_VALUE = re.compile(
    r"true|false|none|null|nil|undefined|yes|no|on|off|n/a|pass|fail|warn|skip|ok|error|unknown|bearer|basic|digest"
    r"|negotiate|sigv4|aws4-hmac-sha256|iam|jwt|oauth2?|required|optional|enabled|disabled|missing|unset|empty",
    re.IGNORECASE,
)
"""Values that say what kind of credential (or none) is meant, never one: ``auth: sigv4``, ``endpoint.auth: pass``."""
_NUMBER = re.compile(r"-?[0-9]{1,32}(?:\.[0-9]{1,32})?")
_URL_OR_ARN = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]{0,20}://|arn:)[A-Za-z0-9_./:~-]*")
"""A URL or ARN with no query, fragment or escape: no other key can start inside it."""
_DIRECTORY = re.compile(r"/[A-Za-z0-9_./~-]*")
_PROSE_WORD = re.compile(r"(?:[^\W\d_]|[./~-]){1,200}")
_SHORT_WORD = re.compile(r"[A-Za-z0-9.-]{1,7}")


def _mask_assignment(m: re.Match[str]) -> str:
    """``key = value`` with the value masked, unless the value plainly is no secret."""
    group = "dq" if m.group("dq") is not None else "sq" if m.group("sq") is not None else "bare"
    value = m.group(group)
    head = m.string[m.start() : m.start(group)]
    if group != "bare" and _is_message(m.group("key"), value):
        # A quoted sentence is read again for assignments of its own (it holds no quote of its kind, so this
        # nests twice at most: "…'…'…").
        return head + _ASSIGNMENT.sub(_mask_assignment, value)
    if _keeps_value(m.group("key"), m.group("sep"), group != "bare", value):
        return m.group(0)
    return head + MASK


def _is_message(key: str, value: str) -> bool:
    """A quoted value that is a message, not a token: it has spaces or is not ASCII (a token is one run of ASCII)."""
    if _STRONG_KEY.search(key):
        return False  # a passphrase may have spaces
    return not value.isascii() or any(c.isspace() for c in value)


def _keeps_value(key: str, sep: str, quoted: bool, value: str) -> bool:
    """Whether ``value`` of ``key`` is plainly no secret (kept whole: no other assignment can start inside it)."""
    if value == MASK or _INERT_VALUE.fullmatch(value):
        return True
    if _STRONG_KEY.search(key):
        return key.lower() in ("pwd", "oldpwd") and _DIRECTORY.fullmatch(value) is not None  # the shell's cwd
    if _NUMBER.fullmatch(value) or _URL_OR_ARN.fullmatch(value):
        return True  # max_tokens=100, token_count: 3, token_endpoint: https://…
    if quoted or "=" in sep or not key.replace(".", "").isalpha():
        return False
    # A plain word, a colon and an unquoted value is mostly prose ("could not load AWS credentials: set…",
    # "token: issuer …", "`auth: sigv4`"): kept when the value reads like a word, not like a credential. A word
    # ending in a colon is the label of what follows ("could not test credentials: InvalidURL: …", an exception's
    # name): read without it.
    value = value.removesuffix(":")
    if _SHORT_WORD.fullmatch(value):
        return True
    if not _PROSE_WORD.fullmatch(value):
        return False
    return len(value) < 16 or sum(c.isupper() for c in value[1:]) < 3


_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str] | None]] = [
    # PEM private keys (RSA, EC, OPENSSH, ENCRYPTED, PKCS#8): the whole block, even when the END line is cut off.
    (
        re.compile(
            r"-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]{0,40}PRIVATE KEY-----|\Z)"
        ),
        None,
    ),
    # JWTs: three base64url segments, the first starting with eyJ ("{"").
    (re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{0,}"), None),
    # Bearer/Basic credentials in headers or text.
    (re.compile(r"(?i)(\b(?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]{8,}"), None),
    # GitHub, Slack, Google, OpenAI-style, Stripe, npm, GitLab tokens by their prefix; Slack webhook URLs.
    (re.compile(_TOKEN_FORMATS), None),
    (re.compile(r"(?i)(\bhooks\.slack\.com/(?:services|workflows|triggers)/)[A-Za-z0-9_/-]+"), None),
    # URL userinfo: scheme://user:password@host (the user part of a URL is often a token too).
    (re.compile(r"(?i)(\b[a-z][a-z0-9+.-]{0,20}://)[^/?#\s@\"'<>]{1,512}(?=@)"), None),
    # Secret-looking query or form parameters: ?api_key=…, &token=…, X-Amz-Signature=…, client_secret=…
    (re.compile(r"(?i)([?&;]" + _SECRET_PARAM + r"=)" + _QUERY_VALUE), None),
    # SigV4 Authorization header parts and the X-Amz-Security-Token header/parameter.
    (
        re.compile(
            r"(?i)(\b(?:Credential|Signature|X-Amz-Security-Token|X-Amz-Signature|X-Amz-Credential)\s*[=:]\s*)"
            r"[^,\s&\"'<>]+"
        ),
        None,
    ),
    # Assignments in free text: API_TOKEN="…", password=…, client_secret: …, export GITHUB_TOKEN=…, --api-key=…
    (_ASSIGNMENT, _mask_assignment),
    # JSON members holding AWS credentials (a metadata-service answer): "Token": "…", "SecretAccessKey": "…".
    (re.compile(r"(?i)(\"(?:token|secretaccesskey|sessiontoken|secret|password|credentials?)\"\s*:\s*\")[^\"]+"), None),
    # Cookie and Set-Cookie headers written as text: the whole value up to the end of the line.
    (re.compile(r"(?im)(\b(?:set-)?cookie\s*:\s*)[^\r\n]+"), None),
    # AWS access key ids (long-term AKIA…, temporary ASIA…).
    (re.compile(r"\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{16}\b"), None),
]

_lock = threading.Lock()
_known: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember a secret so every later ``redact_text`` call removes it."""
    if value and len(value) >= 6:
        with _lock:
            _known.add(value)


def redact_text(text: str) -> str:
    """Mask known secrets and credential-shaped strings in ``text``."""
    if not text:
        return text
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, MASK)
    return _mask_shapes_remembered(text)


MEMO_MAX_CHARS = 2048
"""Texts up to this long have their shape-masking remembered (at most ``MEMO_ENTRIES`` of them, ~10 MB at worst)."""
MEMO_ENTRIES = 4096
LONG_MEMO_MAX_CHARS = 256 * 1024
"""Longer texts up to this long are remembered too, only the last ``LONG_MEMO_ENTRIES`` (~8 MB at worst): enough
for the seven long files of a bundle twice over, so the playbook's is still there when the next bundle is written."""
LONG_MEMO_ENTRIES = 16


def _mask_shapes(text: str) -> str:
    """The credential-shaped parts of ``text`` masked: a pure function of ``text`` (the patterns never change)."""
    for pattern, replace in _PATTERNS:
        if replace is not None:
            text = pattern.sub(replace, text)
        elif pattern.groups:
            text = pattern.sub(_keep_group_1, text)
        else:
            text = pattern.sub(MASK, text)
    return text


def _keep_group_1(m: re.Match[str]) -> str:
    return m.group(1) + MASK


def remembered(mask: Callable[[str], str]) -> Callable[[str], str]:
    """``mask`` (a pure function of its text) with its answers remembered: up to ``MEMO_ENTRIES`` texts of at most
    ``MEMO_MAX_CHARS``, and the last ``LONG_MEMO_ENTRIES`` of at most ``LONG_MEMO_MAX_CHARS``; longer ones each time.

    Why: a doctor run redacts ~500 strings (every result's summary, details and evidence, each probe's evidence
    again when its result is sanitised), and ten regex passes over each cost ~6 % of the run's CPU; nearly all were
    seen before (the same URLs, headers, summaries; the second pass over already-redacted evidence): ~25 new ones per
    run. A support bundle holds the whole playbook as JSON (~120 KB, ~40 ms to mask), the same in every bundle one
    process writes: a look-up hashes it once, one linear pass, far cheaper than the regex passes.
    """
    short = functools.lru_cache(maxsize=MEMO_ENTRIES)(mask)
    long = functools.lru_cache(maxsize=LONG_MEMO_ENTRIES)(mask)

    def masked(text: str) -> str:
        if len(text) <= MEMO_MAX_CHARS:
            return short(text)
        return long(text) if len(text) <= LONG_MEMO_MAX_CHARS else mask(text)

    return masked


# The known secrets are replaced before this is asked, so a secret registered later is never missed.
_mask_shapes_remembered = remembered(_mask_shapes)


def redact(value: Any, *, key: str | None = None) -> Any:
    """Return a deep copy of ``value`` with secrets masked (dicts, lists, strings)."""
    if key is not None and _is_secret_key(key) and isinstance(value, (str, bytes)) and value:
        return MASK
    if isinstance(value, dict):
        return {k: redact(v, key=str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def _is_secret_key(key: str) -> bool:
    lowered = key.lower()
    if lowered in _NOT_SECRET_KEYS:
        return False
    return bool(_SECRET_KEY_NAMES.search(lowered))


LONGEST_SHOWN_VALUE = 300
"""Characters of one value an error line or report quotes whole (a real endpoint URL with its runtime ARN is about
250); a longer one is a pasted file or a runaway variable."""


def cut_value(text: str, limit: int = LONGEST_SHOWN_VALUE) -> str:
    """``text`` whole up to ``limit`` characters, else its start, "…" and its length (``…[2000000 characters]``): how
    every output quotes a value that may be huge (error lines, the report's target line, `audit`)."""
    if len(text) <= limit:
        return text
    from tui.i18n import _

    return text[: max(limit - 60, 20)] + "…" + _("[{count} characters]").format(count=len(text))
