"""keel_client.integrations.mcp_server through the MCP SDK's own client against a real server:
in memory, and over Streamable HTTP on loopback with the `keel-mcp --transport http` command."""
from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import subprocess
import sys
from typing import Any, Callable, Dict, List

import pytest

pytest.importorskip("mcp")

from mcp.client.client import Client  # noqa: E402

from harness import Harness  # noqa: E402
from keel_client import Keel  # noqa: E402
from keel_client.integrations.mcp_server import build_server, main  # noqa: E402


def payload(result: Any) -> Any:
    assert not result.is_error, result
    return json.loads(result.content[0].text) if result.structured_content is None else result.structured_content.get("result", result.structured_content)


def test_mcp_tools_over_the_sdk_client(harness_for: Callable[..., Harness]) -> None:
    e = harness_for().endpoint
    with Keel(target=e.target, api_key=e.api_key, ca_file=e.ca_file if e.tls else None) as keel:
        agent_id = keel.instances.create(name="mcp", description="mcp tests").id
        server = build_server(keel)

        async def scenario() -> Dict[str, Any]:
            async with Client(server) as client:
                names = sorted(t.name for t in (await client.list_tools()).tools)
                assert names == ["contract_versions", "get_contract", "list_drift_events", "report_observation"]
                first = payload(await client.call_tool("get_contract", {"agent_id": agent_id}))
                assert first["cycle"] == 0 and "execute" in first["allowed_actions"]
                for _ in range(2):
                    after = payload(await client.call_tool("report_observation", {
                        "agent_id": agent_id, "mode": "stress_response", "signal_strength": 0.95,
                        "action": "read_message", "target": "tickets/1", "outcome": "success"}))
                assert after["cycle"] == 2 and after["stress"] == "HIGH" and "execute" not in after["allowed_actions"]
                assert {"action": "execute", "causes": ["stress"]}.items() <= next(r for r in after["restrictions"] if r["action"] == "execute").items()
                drift: List[Any] = payload(await client.call_tool("list_drift_events", {"agent_id": agent_id}))
                versions: List[Any] = payload(await client.call_tool("contract_versions", {"agent_id": agent_id}))
                bad = await client.call_tool("report_observation", {"agent_id": agent_id, "mode": "order", "signal_strength": 1.5})
                missing = await client.call_tool("get_contract", {"agent_id": "inst_0000000000000000"})
                return {"drift": drift, "versions": versions, "bad": bad, "missing": missing}

        out = asyncio.run(scenario())
        assert out["drift"] == [] and out["versions"] == []  # a fresh agent: no drift yet, no declared contract
        assert out["bad"].is_error and "INVALID_ARGUMENT" in out["bad"].content[0].text
        assert out["missing"].is_error and "NOT_FOUND" in out["missing"].content[0].text
        assert len(list(keel.engine.history(agent_id))) == 2, "a rejected observation changes nothing"


def test_mcp_over_streamable_http(harness_for: Callable[..., Harness]) -> None:
    import httpx2
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared._httpx_utils import create_mcp_http_client

    e = harness_for().endpoint
    assert not e.tls, "the command reads Keel's address from KEEL_ADDR, without TLS files"
    with Keel(target=e.target, api_key=e.api_key) as keel:
        agent_id = keel.instances.create(name="mcp-http", description="mcp over http").id
    token = secrets.token_urlsafe(16)
    env = {**os.environ, "KEEL_ADDR": e.target, "KEEL_API_KEY": e.api_key, "KEEL_MCP_TOKEN": token}
    command = os.path.join(os.path.dirname(sys.executable), "keel-mcp")  # the installed entry point
    proc = subprocess.Popen([command, "--transport", "http", "--port", "0"],
                            env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        found = re.search(r"(http://127\.0\.0\.1:\d+/mcp)", line)
        assert found, f"no endpoint announced: {line!r}{proc.stderr.read() if proc.poll() is not None else ''}"
        url = found.group(1)

        async def scenario() -> Dict[str, Any]:
            async with httpx2.AsyncClient() as plain:
                refused = await plain.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                                           headers={"Authorization": "Bearer wrong"})
            http = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
            async with http, Client(streamable_http_client(url, http_client=http)) as client:
                names = sorted(t.name for t in (await client.list_tools()).tools)
                contract = payload(await client.call_tool("report_observation", {
                    "agent_id": agent_id, "mode": "perception", "signal_strength": 0.4, "action": "read_ticket", "outcome": "success"}))
                missing = await client.call_tool("get_contract", {"agent_id": "inst_0000000000000000"})
            return {"refused": refused.status_code, "names": names, "contract": contract, "missing": missing}

        out = asyncio.run(scenario())
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert out["refused"] == 401, "a request without the bearer token is refused"
    assert out["names"] == ["contract_versions", "get_contract", "list_drift_events", "report_observation"]
    assert out["contract"]["cycle"] == 1 and out["contract"]["instance_id"] == agent_id
    assert out["missing"].is_error and "NOT_FOUND" in out["missing"].content[0].text
    with Keel(target=e.target, api_key=e.api_key) as keel:
        assert [h.observation.action for h in keel.engine.history(agent_id)] == ["read_ticket"]


def test_http_on_a_public_address_needs_a_token(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("KEEL_MCP_TOKEN", raising=False)
    with pytest.raises(SystemExit) as exit_:
        main(["--transport", "http", "--host", "0.0.0.0"])
    assert exit_.value.code == 2 and "KEEL_MCP_TOKEN" in capsys.readouterr().err
