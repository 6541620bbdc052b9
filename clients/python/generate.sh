#!/usr/bin/env bash
# Generates Keel's Python gRPC client from proto/ (nothing generated is committed).
#
#   clients/python/generate.sh
#
# Creates a venv in .cache/clients/python/venv with the pinned requirements.txt, generates the
# messages, stubs and type stubs into .cache/clients/python/gen (package keel.v1: modules
# keel.v1.engine_service_pb2, keel.v1.engine_service_pb2_grpc, ...), and puts that directory on
# the venv's path, so `.cache/clients/python/venv/bin/python examples/python/tutorial.py` just
# works. Set PYTHON to choose the interpreter that creates the venv (default python3, >= 3.9).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

base=.cache/clients/python
venv="$base/venv"
out="$base/gen"
requirements=clients/python/requirements.txt

if [ ! -x "$venv/bin/python" ]; then
  "${PYTHON:-python3}" -m venv "$venv"
fi
# Reinstall only when the pins changed.
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements"
  echo "$want" > "$stamp"
fi

rm -rf "$out"
mkdir -p "$out"
# grpc_tools.protoc adds the well-known types (google/protobuf/*.proto) to the include path.
"$venv/bin/python" -m grpc_tools.protoc -I proto \
  --python_out="$out" --grpc_python_out="$out" --pyi_out="$out" \
  proto/keel/v1/*.proto

site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
echo "$root/$out" > "$site/keel-client.pth"

"$venv/bin/python" -c 'from keel.v1 import engine_service_pb2_grpc, instance_service_pb2_grpc'
echo "python client: $out (python: $venv/bin/python)"
