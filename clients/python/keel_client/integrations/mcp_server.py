"""An MCP server exposing Keel to agents and operators (`pip install keel-client[mcp]`).

    KEEL_ADDR=127.0.0.1:8080 KEEL_API_KEY=keel_... python -m keel_client.integrations.mcp_server   # stdio

Tools: get_contract (an agent's current contract, with why each action is restricted),
report_observation (tell Keel what the agent did; answers the new contract), list_drift_events
and contract_versions (its declared behavioral contracts). Keel's errors come back as tool
errors naming the gRPC code and the server's message.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, TypeVar

from google.protobuf.json_format import MessageToDict
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from keel_client._client import Keel
from keel_client._enums import mode_value
from keel_client._errors import KeelError
from keel_client._results import Contract

T = TypeVar("T")


def contract_summary(contract: Contract) -> Dict[str, Any]:
    return {
        "instance_id": contract.instance_id,
        "allowed_actions": contract.allowed_actions,
        "forbidden_actions": contract.forbidden_actions,
        "restrictions": [{"action": r.action, "causes": r.causes, "detail": r.detail} for r in contract.restrictions],
        "stress": contract.current_stress_level,
        "energy": round(contract.energy_level, 4),
        "stability": round(contract.stability_index, 4),
        "drift_level": contract.drift_level,
        "cycle": contract.cycle_count,
    }


def _keel(call: Callable[[], T]) -> T:
    """Keel's typed error as a tool error the caller can read ("INVALID_ARGUMENT: ...")."""
    try:
        return call()
    except KeelError as err:
        raise ToolError(str(err)) from err


def build_server(client: Keel) -> MCPServer:
    """The MCP server over one Keel client (the caller owns and closes it)."""
    server = MCPServer(name="keel", instructions=(
        "Keel is the behavioral identity runtime of AI agents. Read an agent's contract before it acts; "
        "report what it did; inspect its drift events and declared contract versions."))

    @server.tool(description="An agent's current execution contract: allowed and forbidden actions, why each is restricted, stress, energy, drift.")
    def get_contract(agent_id: str) -> Dict[str, Any]:
        return contract_summary(_keel(lambda: client.engine.contract(agent_id)))

    @server.tool(description="Report one observation of what the agent did (mode: perception, exploration, order, assertion, "
                             "connection, identity or stress_response; strength 0-1); returns the new contract.")
    def report_observation(agent_id: str, mode: str, signal_strength: float, action: Optional[str] = None,
                           target: Optional[str] = None, outcome: Optional[str] = None) -> Dict[str, Any]:
        try:
            mode_value(mode)
        except ValueError as err:
            raise ToolError(str(err)) from None
        result = _keel(lambda: client.engine.process(instance_id=agent_id, mode=mode, signal_strength=signal_strength,
                                                     action=action, target=target, outcome=outcome))
        return contract_summary(result.contract)

    @server.tool(description="An agent's drift events (D1 and above), newest first.")
    def list_drift_events(agent_id: str, limit: int = 20) -> List[Dict[str, Any]]:
        events = _keel(lambda: client.engine.drift_events(agent_id, page_size=max(1, min(limit, 100))))
        return [{"cycle": e.cycle, "level": e.drift_level, "magnitude": round(e.magnitude, 4), "affected_modes": e.affected_modes}
                for e in list(events)[:limit]]

    @server.tool(description="Every version of an agent's declared behavioral contract, oldest first.")
    def contract_versions(agent_id: str) -> List[Dict[str, Any]]:
        return [MessageToDict(c, preserving_proto_field_name=True) for c in _keel(lambda: client.contracts.versions(agent_id))]

    return server


def main() -> None:
    with Keel() as client:
        build_server(client).run()


if __name__ == "__main__":
    main()
