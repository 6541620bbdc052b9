// Package conformance runs Keel's SDK conformance suite (conformance/cases.json at the
// repository root) against the Go SDK: `go test ./conformance` starts the shared harness
// (conformance/harness.ts: a real Keel server and a connection-cutting proxy) and drives every
// case through package keel. See conformance/README.md.
//
// It needs the repository checkout with `npm ci` done at its root. Without node_modules the tests
// skip, unless KEEL_CONFORMANCE=require (as CI sets), which makes that a failure.
package conformance
