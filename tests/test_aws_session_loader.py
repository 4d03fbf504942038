"""Sessions for different environments share botocore's data loader (the parsed models), nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.aws.session import reset_sessions, session_for
from tui.context import build_context


@pytest.fixture(autouse=True)
def _fresh_sessions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_DATA_PATH", raising=False)
    reset_sessions()
    yield
    reset_sessions()


def test_sessions_of_two_endpoints_share_the_loader_and_nothing_else(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
    one = session_for(build_context())
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:2")
    two = session_for(build_context(region="eu-west-1"))
    assert one is not two and one._session is not two._session
    assert two.region_name == "eu-west-1" and one.region_name == "us-east-1"
    loader = one._session.get_component("data_loader")
    assert two._session.get_component("data_loader") is loader
    assert len(loader.search_paths) == len(set(loader.search_paths))  # boto3's data dir added once, not per session
    assert two.client("sts").meta.region_name == "eu-west-1"


def test_another_data_path_gets_its_own_loader(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
    plain = session_for(build_context())
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path))
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:2")  # a new session (the key is the environment)
    custom = session_for(build_context())
    loader = custom._session.get_component("data_loader")
    assert loader is not plain._session.get_component("data_loader")
    assert str(tmp_path) in loader.search_paths
