"""keel_client.integrations.mcp_server through the MCP SDK's own client (in memory) against a
real server."""
from __future__ import annotations

import asyncio
import json
from typing import Any, Callable, Dict, List

import pytest

pytest.importorskip("mcp")

from mcp.client.client import Client  # noqa: E402

from harness import Harness  # noqa: E402
from keel_client import Keel  # noqa: E402
from keel_client.integrations.mcp_server import build_server  # noqa: E402


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
