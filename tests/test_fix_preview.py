"""What the confirmation shows is what is sent: payloads exact, policy documents readable."""

from __future__ import annotations

import json

from tui.fixes.base import ApiCall


def test_policy_document_is_shown_decoded_but_sent_as_the_exact_string() -> None:
    document = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}]}
    )
    call = ApiCall(
        service="iam",
        operation="put_role_policy",
        params={"RoleName": "r", "PolicyName": "p", "PolicyDocument": document},
    )
    shown, decoded = call.display_params()
    assert decoded == ["PolicyDocument"]
    assert json.loads(shown)["PolicyDocument"]["Statement"][0]["Action"] == "logs:PutLogEvents"
    assert call.params["PolicyDocument"] == document  # the payload itself is untouched
    preview = call.preview()
    assert preview.startswith("iam.put_role_policy(")
    assert "PolicyDocument: sent as a JSON string, shown decoded" in preview


def test_plain_payload_has_no_decoding_note() -> None:
    call = ApiCall(service="logs", operation="create_log_group", params={"logGroupName": "{not json"})
    shown, decoded = call.display_params()
    assert decoded == [] and json.loads(shown) == {"logGroupName": "{not json"}
    assert "shown decoded" not in call.preview()
