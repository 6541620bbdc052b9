"""An MCP server exposing Keel to agents and operators (`pip install keel-client[mcp]`).

    KEEL_ADDR=127.0.0.1:8080 KEEL_API_KEY=keel_... keel-mcp                                  # stdio
    KEEL_ADDR=127.0.0.1:8080 KEEL_API_KEY=keel_... keel-mcp --transport http --port 8765     # Streamable HTTP
    (or python -m keel_client.integrations.mcp_server with the same flags)

Over HTTP the server listens on 127.0.0.1 by default and serves MCP's Streamable HTTP transport at
/mcp. With KEEL_MCP_TOKEN set, every request must carry `Authorization: Bearer <token>`; binding
any other address requires it, since whoever reaches the port acts with the server's Keel key.

Tools: get_contract (an agent's current contract, with why each action is restricted),
report_observation (tell Keel what the agent did; answers the new contract), list_drift_events
and contract_versions (its declared behavioral contracts). Keel's errors come back as tool
errors naming the gRPC code and the server's message.
"""
from __future__ import annotations

import argparse
import asyncio
import hmac
import ipaddress
import os
import socket
import sys
from typing import Any, Callable, Dict, List, Optional, Sequence, TypeVar

from google.protobuf.json_format import MessageToDict
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from starlette.types import ASGIApp, Receive, Scope, Send

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


class BearerToken:
    """ASGI middleware answering 401 to an HTTP request without `Authorization: Bearer <token>`."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            given = dict(scope.get("headers") or []).get(b"authorization", b"")
            if not hmac.compare_digest(given, self.expected):
                await send({"type": "http.response.start", "status": 401,
                            "headers": [(b"content-type", b"text/plain"), (b"www-authenticate", b"Bearer")]})
                await send({"type": "http.response.body", "body": b"missing or wrong bearer token (KEEL_MCP_TOKEN)\n"})
                return
        await self.app(scope, receive, send)


def http_app(server: MCPServer, *, host: str = "127.0.0.1", path: str = "/mcp", token: Optional[str] = None) -> ASGIApp:
    """The server as an ASGI app speaking MCP Streamable HTTP at `path`, behind `token` if given."""
    app: ASGIApp = server.streamable_http_app(streamable_http_path=path, host=host)
    return app if token is None else BearerToken(app, token)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve_http(server: MCPServer, *, host: str, port: int, path: str, token: Optional[str]) -> None:
    """Serves until interrupted; port 0 picks a free one. Prints the endpoint's URL on stderr once listening."""
    import uvicorn  # a dependency of mcp

    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)  # before the URL is printed: a client may connect at once (uvicorn accepts from the backlog)
    shown = f"[{host}]" if ":" in host else host
    print(f"keel MCP server (Streamable HTTP): http://{shown}:{sock.getsockname()[1]}{path}", file=sys.stderr, flush=True)
    uv = uvicorn.Server(uvicorn.Config(http_app(server, host=host, path=path, token=token), log_level="warning"))
    asyncio.run(uv.serve(sockets=[sock]))


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(prog="keel-mcp", description="Keel's MCP server (Keel from KEEL_ADDR / KEEL_API_KEY).")
    parser.add_argument("--transport", choices=["stdio", "http"], default="stdio",
                        help="stdio (default) or http: MCP's Streamable HTTP transport")
    parser.add_argument("--host", default="127.0.0.1", help="http: the address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="http: the port (default 8765; 0 picks a free one)")
    parser.add_argument("--path", default="/mcp", help="http: the endpoint's path (default /mcp)")
    args = parser.parse_args(argv)
    token = os.environ.get("KEEL_MCP_TOKEN") or None
    if args.transport == "http" and token is None and not _is_loopback(args.host):
        parser.error(f"--host {args.host} is not a loopback address: set KEEL_MCP_TOKEN so that clients must send "
                     "'Authorization: Bearer <token>'")
    with Keel() as client:
        server = build_server(client)
        if args.transport == "stdio":
            server.run()
        else:
            serve_http(server, host=args.host, port=args.port, path=args.path, token=token)


if __name__ == "__main__":
    main()
