package conformance

import (
	"strings"
	"testing"
	"time"

	"github.com/keel-runtime/keel/clients/go/keel"
)

// Go-only checks against the real server, beyond the shared cases.

// The request_id the SDK puts on a write makes a repeat safe on the real
// server. A repeat with the same id answers the original outcome and processes nothing; a new
// logical call (a fresh id) is processed.
func TestRequestIDMakesRepeatsSafe(t *testing.T) {
	h := startHarness(t)
	client := dial(t, h, h.Target)
	ctx := ctxFor(t)
	id := newAgent(t, ctx, client, "request-id")
	obs := keel.Observe(keel.ModeExploration, 0.7)
	first, err := client.Engine.Process(ctx, id, obs, keel.WithRequestID("go-conformance-1"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := client.Engine.Process(ctx, id, obs, keel.WithRequestID("go-conformance-1"))
	if err != nil {
		t.Fatal(err)
	}
	if again.Contract.CycleCount != first.Contract.CycleCount || again.Revision != first.Revision {
		t.Fatalf("the repeat answered cycle %d revision %d, want the original %d / %d",
			again.Contract.CycleCount, again.Revision, first.Contract.CycleCount, first.Revision)
	}
	if _, err := client.Engine.Process(ctx, id, obs); err != nil {
		t.Fatal(err)
	}
	if got := cycles(t, ctx, client, id); got != 2 {
		t.Fatalf("cycle count %d, want 2 (the repeat processed nothing)", got)
	}
}

// An idle session's heartbeats (and the server's echoes) leave the session working.
func TestIdleSessionHeartbeats(t *testing.T) {
	h := startHarness(t)
	client := dial(t, h, h.Target)
	ctx := ctxFor(t)
	id := newAgent(t, ctx, client, "heartbeats")
	s, err := client.Session(ctx, id, keel.WithHeartbeat(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	out, err := s.Process(ctx, keel.Observe(keel.ModeOrder, 0.5))
	if err != nil {
		t.Fatal(err)
	}
	if out.Sequence != 1 || out.Contract.CycleCount != 1 {
		t.Fatalf("sequence %d, cycle %d; want 1 and 1", out.Sequence, out.Contract.CycleCount)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// A key whose scope is too small is refused with a typed PERMISSION_DENIED, unary and session
// alike, and the session does not retry it.
func TestReadKeyCannotProcess(t *testing.T) {
	h := startHarness(t)
	ctx := ctxFor(t)
	admin := dial(t, h, h.Target)
	id := newAgent(t, ctx, admin, "read-key")
	answer := h.command(t, "mint read")
	token, ok := strings.CutPrefix(answer, "key ")
	if !ok {
		t.Fatalf("harness answered %q to mint", answer)
	}
	reader := dial(t, h, h.Target, keel.WithAPIKey(token))
	if _, err := reader.Engine.State(ctx, id); err != nil {
		t.Fatalf("a read key cannot read: %v", err)
	}
	_, err := reader.Engine.Process(ctx, id, keel.Observe(keel.ModeOrder, 0.5))
	expectCode(t, err, "PERMISSION_DENIED")
	_, err = reader.Session(ctx, id)
	expectCode(t, err, "PERMISSION_DENIED")
	if got := cycles(t, ctx, admin, id); got != 0 {
		t.Fatalf("cycle count %d, want 0", got)
	}
}
