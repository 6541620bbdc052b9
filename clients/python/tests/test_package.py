"""The installed package is complete: generated modules import under keel_client, typed."""
from __future__ import annotations

import importlib
from pathlib import Path

import keel_client

GEN = Path(keel_client.__file__).parent / "_gen" / "keel" / "v1"


def test_every_generated_module_imports_from_the_package() -> None:
    modules = sorted(p.stem for p in GEN.glob("*.py") if p.stem != "__init__")
    assert "engine_service_pb2_grpc" in modules and "contract_pb2" in modules
    for name in modules:
        importlib.import_module(f"keel_client._gen.keel.v1.{name}")


def test_typed_markers_ship() -> None:
    root = Path(keel_client.__file__).parent
    assert (root / "py.typed").exists()
    assert (GEN / "engine_service_pb2.pyi").exists()


def test_every_grpc_stub_module_ships_its_types() -> None:
    """Each *_pb2_grpc module has a .pyi beside it (mypy-protobuf's), typing the stubs' calls."""
    stubs = sorted(GEN.glob("*_pb2_grpc.py"))
    assert len(stubs) == 4
    for stub in stubs:
        types = stub.with_suffix(".pyi").read_text()
        assert "MultiCallable[" in types and "AsyncStub" in types, stub.name


def test_ci_tests_the_installed_distribution() -> None:
    """In CI (KEEL_CONFORMANCE=require) the package under test is the one pip installed."""
    import os

    if os.environ.get("KEEL_CONFORMANCE") == "require":
        assert "site-packages" in keel_client.__file__, keel_client.__file__
