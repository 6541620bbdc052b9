"""Where and how to connect: target, API key and TLS, with the environment's fallbacks, and the
channel options every Keel client uses (sync and asyncio alike)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple, Union

import grpc

PathLike = Union[str, "os.PathLike[str]"]

DEFAULT_TARGET = "localhost:8080"


class Unset:
    """Marks an argument left out (where None means "no deadline")."""


UNSET = Unset()
#: Unary calls' default deadline in seconds. grpcio sends a timeout rounded up (60 s goes out as
#: ~61.1 s), so stay well under a server's 60 s cap.
DEFAULT_TIMEOUT = 30.0

# Keepalive PINGs notice a dead connection under an idle session; the server allows them. Fast
# reconnects: a session resumes right after a cut instead of after grpcio's 1 s default backoff.
_CHANNEL_OPTIONS: List[Tuple[str, int]] = [
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.keepalive_timeout_ms", 10_000),
    ("grpc.http2.max_pings_without_data", 0),
    ("grpc.keepalive_permit_without_calls", 0),
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.min_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 2_000),
    ("grpc.max_receive_message_length", 16 * 1024 * 1024),
]


@dataclass(frozen=True)
class Config:
    target: str
    metadata: Tuple[Tuple[str, str], ...]
    credentials: Optional[grpc.ChannelCredentials]
    options: Tuple[Tuple[str, Union[str, int]], ...]
    timeout: Optional[float]
    max_retries: int


def resolve(
    target: Optional[str],
    api_key: Optional[str],
    *,
    tls: Optional[bool],
    ca_file: Optional[PathLike],
    client_cert_file: Optional[PathLike],
    client_key_file: Optional[PathLike],
    server_name: Optional[str],
    timeout: Optional[float],
    max_retries: int,
    options: Sequence[Tuple[str, Union[str, int]]],
) -> Config:
    """Arguments win over KEEL_ADDR / KEEL_API_KEY; TLS is on when asked for or when any TLS file
    is given (system roots unless ca_file)."""
    target = target or os.environ.get("KEEL_ADDR") or DEFAULT_TARGET
    api_key = (api_key if api_key is not None else os.environ.get("KEEL_API_KEY", "")).strip()
    metadata: Tuple[Tuple[str, str], ...] = (("authorization", f"Bearer {api_key}"),) if api_key else ()

    if (client_cert_file is None) != (client_key_file is None):
        raise ValueError("client_cert_file and client_key_file go together (mutual TLS needs both)")
    use_tls = tls if tls is not None else any(f is not None for f in (ca_file, client_cert_file))
    if tls is False and (ca_file is not None or client_cert_file is not None):
        raise ValueError("tls=False contradicts ca_file / client_cert_file")
    credentials = None
    if use_tls:
        credentials = grpc.ssl_channel_credentials(
            root_certificates=_read(ca_file),
            private_key=_read(client_key_file),
            certificate_chain=_read(client_cert_file),
        )
    channel_options: List[Tuple[str, Union[str, int]]] = list(_CHANNEL_OPTIONS)
    if server_name:
        channel_options.append(("grpc.ssl_target_name_override", server_name))
    channel_options.extend(options)
    return Config(target, metadata, credentials, tuple(channel_options), timeout, max_retries)


def _read(path: Optional[PathLike]) -> Optional[bytes]:
    return Path(path).read_bytes() if path is not None else None


def sync_channel(config: Config) -> grpc.Channel:
    if config.credentials is not None:
        return grpc.secure_channel(config.target, config.credentials, options=config.options)
    return grpc.insecure_channel(config.target, options=config.options)


def aio_channel(config: Config) -> grpc.aio.Channel:
    if config.credentials is not None:
        return grpc.aio.secure_channel(config.target, config.credentials, options=config.options)
    return grpc.aio.insecure_channel(config.target, options=config.options)
