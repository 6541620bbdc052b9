#!/usr/bin/env bash
# Generates Keel's Go gRPC client from proto/ (nothing generated is committed).
#
#   clients/go/generate.sh
#
# Installs the pinned protoc-gen-go and protoc-gen-go-grpc into .cache/clients/go/bin from the
# Go module proxy, runs buf (from node_modules) with clients/go/buf.gen.go.yaml, and builds the
# result. Generated code lands in clients/go/gen/keel/v1 (gitignored) as package
# keel.local/clients/go/gen/keel/v1 (keelv1) of the module in clients/go.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

# Keep protoc-gen-go in step with google.golang.org/protobuf in clients/go/go.mod.
PROTOC_GEN_GO_VERSION=v1.36.12
PROTOC_GEN_GO_GRPC_VERSION=v1.6.1

export GOBIN="$root/.cache/clients/go/bin"
if [ "$("$GOBIN/protoc-gen-go" --version 2>/dev/null)" != "protoc-gen-go $PROTOC_GEN_GO_VERSION" ]; then
  go install "google.golang.org/protobuf/cmd/protoc-gen-go@$PROTOC_GEN_GO_VERSION"
fi
if [ "$("$GOBIN/protoc-gen-go-grpc" --version 2>/dev/null)" != "protoc-gen-go-grpc ${PROTOC_GEN_GO_GRPC_VERSION#v}" ]; then
  go install "google.golang.org/grpc/cmd/protoc-gen-go-grpc@$PROTOC_GEN_GO_GRPC_VERSION"
fi

if [ ! -x node_modules/.bin/buf ]; then
  echo "buf is missing: run 'npm ci' first" >&2
  exit 1
fi
PATH="$GOBIN:$PATH" node_modules/.bin/buf generate --template clients/go/buf.gen.go.yaml

(cd clients/go && go build ./...)
echo "go client: clients/go/gen/keel/v1 (import keel.local/clients/go/gen/keel/v1)"
