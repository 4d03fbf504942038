"""The guide-shaped sample MCP server project, copied to a directory with seeded defects.

The healthy project (``sample_project/``) is the AgentCore tutorial's server done right
for ``mcp`` 2.x. Each defect is an exact, anchored edit of one file, so a project
check sees exactly what a user of the guide would have on disk, and a project fix
has something real to patch:

* ``fastmcp-import``        – ``from mcp.server.fastmcp import FastMCP`` with ``mcp`` unpinned (1.x code on 2.x)
* ``host-localhost``        – the server binds 127.0.0.1 (the runtime's health check cannot reach it)
* ``no-otel-distro``        – requirements lack ``aws-opentelemetry-distro``
* ``no-otel-instrument``    – the Dockerfile's CMD does not run ``opentelemetry-instrument``
* ``middleware-decorator``  – the guide's bogus ``@mcp.middleware`` Content-Type "fix"
* ``stateful``              – ``stateless_http=False``
* ``platform-amd64``        – ``FROM --platform=linux/amd64``: the container fails with ``exec format error``
* ``user-by-name``          – ``USER appuser`` that no ``RUN`` creates (``unable to find user``)
* ``client-session-id``     – the client sends its own ``Mcp-Session-Id: session-<time>`` (guide §4.1)
* ``client-uuid-patch``     – the client monkeypatches ``JSONRPCMessage.model_validate_json`` (guide, UUID section)
* ``client-initialize-params`` – a raw ``initialize`` probe with ``"params": {}`` (guide §3.1; -32602)
* ``client-v1-api``         – the guide's ``streamablehttp_client(mcp_url, headers, timeout=180, …)`` (mcp 1.x API)
* ``otel-env-in-dockerfile`` – the OTEL logs headers (``x-aws-log-group=agents/mcp-server-logs``) set by a
  Dockerfile ``ENV`` instead of the runtime's environment
* ``role-helper``           – ``utils.py`` with the samples' ``create_agentcore_role``, which deletes and re-creates
  the execution role (dropping inline policies added since)
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tui.sandbox.aws import DEFAULT_CLIENT_ID, DEFAULT_REGION

SAMPLE_DIR = Path(__file__).with_name("sample_project")
PROJECT_DEFECTS: frozenset[str] = frozenset(
    {
        "fastmcp-import",
        "host-localhost",
        "no-otel-distro",
        "no-otel-instrument",
        "middleware-decorator",
        "stateful",
        "platform-amd64",
        "user-by-name",
        "client-session-id",
        "client-uuid-patch",
        "client-initialize-params",
        "client-v1-api",
        "role-helper",
        "otel-env-in-dockerfile",
    }
)
PROJECT_FILES = (
    "mcp_server.py",
    "requirements.txt",
    "Dockerfile",
    "my_mcp_client_remote.py",
    ".bedrock_agentcore.yaml",
)

ROLE_HELPER = '''"""Helpers from the AgentCore samples (utils.py): the execution role for the runtime."""

import json

import boto3


def create_agentcore_role(agent_name, region="us-east-1"):
    iam_client = boto3.client("iam")
    account_id = boto3.client("sts").get_caller_identity()["Account"]
    agentcore_role_name = f"agentcore-{agent_name}-role"
    role_policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "CloudWatchLogs",
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": [f"arn:aws:logs:{region}:{account_id}:log-group:/aws/bedrock-agentcore/runtimes/*"],
            }
        ],
    }
    assume_role_policy_document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AssumeRolePolicy",
                "Effect": "Allow",
                "Principal": {"Service": "bedrock-agentcore.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": f"{account_id}"}},
            }
        ],
    }
    try:
        agentcore_iam_role = iam_client.create_role(
            RoleName=agentcore_role_name, AssumeRolePolicyDocument=json.dumps(assume_role_policy_document)
        )
    except iam_client.exceptions.EntityAlreadyExistsException:
        print("Role already exists -- deleting and creating it again")
        policies = iam_client.list_role_policies(RoleName=agentcore_role_name, MaxItems=100)
        print("policies:", policies)
        for policy_name in policies["PolicyNames"]:
            iam_client.delete_role_policy(RoleName=agentcore_role_name, PolicyName=policy_name)
        print(f"deleting {agentcore_role_name}")
        iam_client.delete_role(RoleName=agentcore_role_name)
        print(f"recreating {agentcore_role_name}")
        agentcore_iam_role = iam_client.create_role(
            RoleName=agentcore_role_name, AssumeRolePolicyDocument=json.dumps(assume_role_policy_document)
        )
    print(f"attaching role policy {agentcore_role_name}")
    iam_client.put_role_policy(
        PolicyDocument=json.dumps(role_policy), PolicyName="AgentCorePolicy", RoleName=agentcore_role_name
    )
    return agentcore_iam_role
'''

GUIDE_UUID_PATCH = '''

def fix_uuid_format(content):
    """Quote unquoted ids (the guide's UUID "fix")."""
    text = content.decode("utf-8") if isinstance(content, bytes) else content
    fixed = re.sub(r'"id":([^",\\s\\}]+)', r'"id":"\\1"', text)
    return fixed.encode("utf-8") if isinstance(content, bytes) else fixed


original_model_validate_json = JSONRPCMessage.model_validate_json


@classmethod
def patched_model_validate_json(cls, json_data, **kwargs):
    return original_model_validate_json(json_data=fix_uuid_format(json_data), **kwargs)


JSONRPCMessage.model_validate_json = patched_model_validate_json
'''

GUIDE_INITIALIZE_PROBE = '''

async def probe_initialize(mcp_url: str, headers: dict[str, str]) -> None:
    """The guide's raw initialize with a UUID id and empty params."""
    payload = {"jsonrpc": "2.0", "method": "initialize", "params": {}, "id": str(uuid.uuid4())}
    async with httpx2.AsyncClient(headers=headers, timeout=30) as http:
        print((await http.post(mcp_url, json=payload)).text)
'''

GUIDE_MIDDLEWARE = """

@mcp.middleware
async def add_content_type_header(request, call_next):
    if "content-type" not in request.headers:
        request.headers["content-type"] = "application/json"
    return await call_next(request)
"""


def _replace(text: str, old: str, new: str, file: str) -> str:
    # Fail loudly if the sample changed and an anchor vanished: a silent no-op
    # would produce a "defective" project that is actually healthy.
    if old not in text:
        raise RuntimeError(f"sample_project/{file}: anchor {old!r} not found")
    return text.replace(old, new)


def make_project(
    dest_dir: str | Path,
    defects: frozenset[str] = frozenset(),
    *,
    runtime_arn: str | None = None,
    region: str = DEFAULT_REGION,
    account_id: str = "123456789012",
    discovery_url: str | None = None,
    allowed_client: str = DEFAULT_CLIENT_ID,
) -> Path:
    """Copy the sample project into ``dest_dir`` (created; must be empty or absent) with ``defects``; return it.

    ``runtime_arn`` etc. fill ``.bedrock_agentcore.yaml`` (the starter toolkit's record of the deployment).
    """
    defects = frozenset(defects)
    unknown = defects - PROJECT_DEFECTS
    if unknown:
        raise ValueError(f"unknown project defect(s) {sorted(unknown)}; known: {sorted(PROJECT_DEFECTS)}")
    dest = Path(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    if any(dest.iterdir()):
        raise FileExistsError(f"{dest} is not empty")
    for name in ("mcp_server.py", "requirements.txt", "Dockerfile", "my_mcp_client_remote.py"):
        shutil.copyfile(SAMPLE_DIR / name, dest / name)

    runtime_id = (runtime_arn or "").rsplit("/", 1)[-1] or "mcp_server-XXXXXXXXXX"
    runtime_arn = runtime_arn or f"arn:aws:bedrock-agentcore:{region}:{account_id}:runtime/{runtime_id}"
    values = {
        "{account}": account_id,
        "{region}": region,
        "{runtime_id}": runtime_id,
        "{runtime_arn}": runtime_arn,
        "{discovery_url}": discovery_url
        or f"https://cognito-idp.{region}.amazonaws.com/{region}_SandboxPool/.well-known/openid-configuration",
        "{allowed_client}": allowed_client,
    }
    config = (SAMPLE_DIR / "_bedrock_agentcore.yaml").read_text(encoding="utf-8")
    config = "\n".join(line for line in config.splitlines() if not line.startswith("#")) + "\n"
    for key, value in values.items():
        config = config.replace(key, value)
    (dest / ".bedrock_agentcore.yaml").write_text(config, encoding="utf-8")

    server_path, req_path, docker_path = dest / "mcp_server.py", dest / "requirements.txt", dest / "Dockerfile"
    client_path = dest / "my_mcp_client_remote.py"
    client = client_path.read_text(encoding="utf-8")
    server = server_path.read_text(encoding="utf-8")
    requirements = req_path.read_text(encoding="utf-8")
    dockerfile = docker_path.read_text(encoding="utf-8")
    if "fastmcp-import" in defects:
        server = _replace(
            server, "from mcp.server import MCPServer", "from mcp.server.fastmcp import FastMCP", "mcp_server.py"
        )
        server = _replace(
            server,
            'mcp = MCPServer("mcp_server")',
            'mcp = FastMCP(host="0.0.0.0", stateless_http=True)',
            "mcp_server.py",
        )
        server = _replace(
            server,
            'mcp.run("streamable-http", host="0.0.0.0", port=8000, stateless_http=True)',
            'mcp.run(transport="streamable-http")',
            "mcp_server.py",
        )
        # The tutorial's requirements: everything unpinned, plus the separate fastmcp package.
        requirements = (
            _replace(requirements, "mcp>=2.3,<3\n", "mcp\n", "requirements.txt")
            + "fastmcp\nbedrock-agentcore-starter-toolkit\n"
        )
    if "host-localhost" in defects:
        server = _replace(server, 'host="0.0.0.0"', 'host="127.0.0.1"', "mcp_server.py")
    if "stateful" in defects:
        server = _replace(server, "stateless_http=True", "stateless_http=False", "mcp_server.py")
    if "middleware-decorator" in defects:
        anchor = (
            'mcp = FastMCP(host="0.0.0.0", stateless_http=True)'
            if "fastmcp-import" in defects
            else 'mcp = MCPServer("mcp_server")'
        )
        anchor = (
            anchor.replace("0.0.0.0", "127.0.0.1")
            if "host-localhost" in defects and "fastmcp-import" in defects
            else anchor
        )
        anchor = (
            anchor.replace("stateless_http=True", "stateless_http=False")
            if "stateful" in defects and "fastmcp-import" in defects
            else anchor
        )
        server = _replace(server, anchor + "\n", anchor + "\n" + GUIDE_MIDDLEWARE, "mcp_server.py")
    if "no-otel-distro" in defects:
        requirements = _replace(requirements, "aws-opentelemetry-distro>=0.10.0\n", "", "requirements.txt")
    if "no-otel-instrument" in defects:
        dockerfile = _replace(
            dockerfile,
            'CMD ["opentelemetry-instrument", "python", "-m", "mcp_server"]',
            'CMD ["python", "-m", "mcp_server"]',
            "Dockerfile",
        )
    if "platform-amd64" in defects:
        dockerfile = _replace(dockerfile, "FROM ghcr.io/", "FROM --platform=linux/amd64 ghcr.io/", "Dockerfile")
    if "user-by-name" in defects:
        dockerfile = _replace(
            dockerfile,
            "RUN useradd -m -u 1000 bedrock_agentcore\nUSER bedrock_agentcore\n",
            "USER appuser\n",
            "Dockerfile",
        )
    if "otel-env-in-dockerfile" in defects:
        dockerfile = _replace(
            dockerfile,
            "    DOCKER_CONTAINER=1\n",
            "    DOCKER_CONTAINER=1 \\\n"
            "    OTEL_EXPORTER_OTLP_LOGS_HEADERS=x-aws-log-group=agents/mcp-server-logs,x-aws-log-stream=default\n",
            "Dockerfile",
        )
    if "role-helper" in defects:
        (dest / "utils.py").write_text(ROLE_HELPER, encoding="utf-8")
    client = _client_defects(client, defects)
    client_path.write_text(client, encoding="utf-8")
    server_path.write_text(server, encoding="utf-8")
    req_path.write_text(requirements, encoding="utf-8")
    docker_path.write_text(dockerfile, encoding="utf-8")
    return dest


def _client_defects(client: str, defects: frozenset[str]) -> str:
    name = "my_mcp_client_remote.py"
    if "client-session-id" in defects:
        client = _replace(client, "import os\n", "import os\nimport time\n", name)
        client = _replace(
            client,
            'headers = {"Authorization": f"Bearer {bearer_token}"}',
            'headers = {"Authorization": f"Bearer {bearer_token}", "Mcp-Session-Id": f"session-{int(time.time())}"}',
            name,
        )
    if "client-uuid-patch" in defects:
        client = _replace(client, "import os\n", "import os\nimport re\n", name)
        client = _replace(
            client,
            "from mcp.client.streamable_http import streamable_http_client\n",
            "from mcp.client.streamable_http import streamable_http_client\nfrom mcp.types import JSONRPCMessage\n"
            + GUIDE_UUID_PATCH,
            name,
        )
    if "client-initialize-params" in defects:
        client = _replace(client, "import urllib.parse\n", "import urllib.parse\nimport uuid\n", name)
        client = _replace(
            client, "\n\nasync def main() -> None:", GUIDE_INITIALIZE_PROBE + "\n\nasync def main() -> None:", name
        )
    if "client-v1-api" in defects:
        client = _replace(
            client,
            "from mcp.client.streamable_http import streamable_http_client\n",
            "from mcp.client.streamable_http import streamablehttp_client\n",
            name,
        )
        client = _replace(
            client,
            "async with streamable_http_client(mcp_url, http_client=http) as (read, write):",
            "async with streamablehttp_client(\n"
            "            mcp_url, headers, timeout=180, sse_read_timeout=300, terminate_on_close=True\n"
            "        ) as (read, write, get_session_id):",
            name,
        )
    return client


__all__ = ["PROJECT_DEFECTS", "PROJECT_FILES", "SAMPLE_DIR", "make_project"]
