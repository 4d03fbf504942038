"""The logs reader decodes FilterLogEvents pages and Insights rows itself (``tui.logs.answers``): against moto,
every answer must equal what botocore's own parser gives for the same call, odd events included."""

from __future__ import annotations

import time
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tui.logs.answers import decode_bulk_answer, decode_bulk_answers
from tui.sandbox.logs_seed import seed_logs


@pytest.fixture
def clients(seeded_aws, aws_sandbox):
    info = seeded_aws()
    seed_logs(aws_sandbox.url, info.runtime_log_group, info.otel_log_group, account=info.account_id)
    stock = boto3.client("logs")
    ours = boto3.client("logs")
    decode_bulk_answers(ours)
    decode_bulk_answers(ours)  # idempotent: one handler, not two
    return info, stock, ours


def _without_metadata(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answer.items() if k != "ResponseMetadata"}


def test_filter_log_events_pages_equal_botocores(clients):
    info, stock, ours = clients
    left_to_botocore: list[bytes] = []  # what botocore's parser still gets after our handler (registered after it)
    ours.meta.events.register(
        "before-parse.cloudwatch-logs.FilterLogEvents",
        lambda response_dict, **_: left_to_botocore.append(response_dict["body"]),
    )
    now = int(time.time() * 1000)
    seen = 0
    for group in (info.runtime_log_group, info.otel_log_group):
        kwargs: dict[str, Any] = {"logGroupName": group, "startTime": now - 86_400_000, "endTime": now, "limit": 7}
        for _ in range(1000):
            expected = stock.filter_log_events(**kwargs)
            got = ours.filter_log_events(**kwargs)
            assert _without_metadata(got) == _without_metadata(expected)
            assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
            seen += len(got["events"])
            if not expected.get("nextToken"):
                break
            kwargs["nextToken"] = expected["nextToken"]
    # the seeded records include a huge message, a multi-line traceback and non-UTF-8 bytes
    assert seen > 20
    assert left_to_botocore and all(b'"events"' not in body for body in left_to_botocore)  # decoded here


def test_an_error_is_botocores_error(clients):
    _, stock, ours = clients
    codes = []
    for client in (stock, ours):
        with pytest.raises(ClientError) as caught:
            client.filter_log_events(logGroupName="/no/such/group")
        codes.append((caught.value.response["Error"]["Code"], str(caught.value)))
    assert codes[0] == codes[1] and codes[0][0] == "ResourceNotFoundException"


def test_insights_rows_equal_botocores(clients):
    info, stock, ours = clients
    now = int(time.time())
    query = stock.start_query(
        logGroupNames=[info.runtime_log_group, info.otel_log_group],
        startTime=now - 86_400,
        endTime=now + 60,
        queryString="fields @timestamp, @message, @logStream, @log | sort @timestamp asc | limit 50",
    )["queryId"]
    for _ in range(100):
        expected = stock.get_query_results(queryId=query)
        if expected["status"] == "Complete":
            break
    got = ours.get_query_results(queryId=query)
    assert _without_metadata(got) == _without_metadata(expected)
    assert got["results"] and all(isinstance(f, dict) and "field" in f for row in got["results"] for f in row)


@pytest.mark.parametrize(
    ("status", "body"),
    [(400, b'{"__type": "ResourceNotFoundException"}'), (200, b"<html>proxy</html>"), (200, b"[1, 2]"), (200, b"")],
)
def test_errors_and_odd_bodies_are_left_to_botocore(status, body):
    response = {"status_code": status, "body": body, "headers": {}}
    custom: dict[str, Any] = {}
    operation = boto3.client("logs", region_name="us-east-1").meta.service_model.operation_model("FilterLogEvents")
    decode_bulk_answer(operation, response, custom)
    assert response["body"] == body and custom == {}
