#!/usr/bin/env bash
# Regenerates the Go SDK's stubs from proto/ into clients/go/gen (committed).
#
#   clients/go/generate.sh            # rewrite clients/go/gen
#   clients/go/generate.sh --check    # CI: fail when the committed stubs are stale
#
# Installs the pinned protoc-gen-go and protoc-gen-go-grpc into .cache/clients/go/bin from the Go
# module proxy and runs buf from node_modules (so `npm ci` first) with clients/go/buf.gen.go.yaml.
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

if [ "${1:-}" = "--check" ]; then
  if [ -n "$(git status --porcelain -- clients/go/gen)" ]; then
    git status --porcelain -- clients/go/gen
    echo "clients/go/gen is stale: run clients/go/generate.sh and commit the result" >&2
    exit 1
  fi
  echo "clients/go/gen is current"
fi
