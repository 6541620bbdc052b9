package conformance

import (
	"strings"
	"testing"
	"time"

	keelv1 "github.com/keel-runtime/keel/clients/go/gen/keel/v1"
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

// Every wrapper reaches its RPC on the real server and maps the answer.
func TestEveryServiceAnswers(t *testing.T) {
	h := startHarness(t)
	client := dial(t, h, h.Target)
	ctx := ctxFor(t)

	inst, err := client.Instances.Create(ctx, keel.InstanceSpec{Name: "smoke", Labels: map[string]string{"team": "go"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := client.Instances.Get(ctx, inst.ID); err != nil || got.Name != "smoke" || got.Labels["team"] != "go" {
		t.Fatalf("Get: %+v, %v", got, err)
	}
	name := "smoke-renamed"
	if got, err := client.Instances.Update(ctx, inst.ID, keel.InstanceUpdate{Name: &name}); err != nil || got.Name != name || got.Labels["team"] != "go" {
		t.Fatalf("Update: %+v, %v", got, err)
	}
	found := false
	for i, err := range keel.All(ctx, client.Instances.List) {
		if err != nil {
			t.Fatal(err)
		}
		found = found || i.ID == inst.ID
	}
	if !found {
		t.Fatal("List does not show the new instance")
	}

	outs, err := client.Engine.ProcessBatch(ctx, inst.ID, []keel.Observation{keel.Observe(keel.ModeOrder, 0.6), keel.Observe(keel.ModeIdentity, 0.4)})
	if err != nil || len(outs) != 2 || outs[1].Contract.CycleCount != 2 {
		t.Fatalf("ProcessBatch: %d outcomes, %v", len(outs), err)
	}
	if c, err := client.Engine.Contract(ctx, inst.ID); err != nil || c.CycleCount != 2 || len(c.ForbiddenActions) == 0 {
		t.Fatalf("Contract: %+v, %v", c, err)
	}
	history, err := client.Engine.History(ctx, inst.ID, &keel.ListOptions{PageSize: 1})
	if err != nil || len(history.Items) != 1 || history.Items[0].Cycle != 2 || history.Items[0].Mode != "IDENTITY" || history.NextPageToken == "" {
		t.Fatalf("History: %+v, %v", history, err)
	}
	if _, err := client.Engine.Snapshots(ctx, inst.ID, nil); err != nil {
		t.Fatalf("Snapshots: %v", err)
	}
	if c, err := client.Engine.Reset(ctx, inst.ID, keel.ResetInitial); err != nil || c.CycleCount != 0 {
		t.Fatalf("Reset: %+v, %v", c, err)
	}

	if _, err := client.Contracts.SigningKeys(ctx); err != nil { // none unless the server seals
		t.Fatalf("SigningKeys: %v", err)
	}
	gen, err := client.Contracts.Generate(ctx, &keelv1.GenerateContractRequest{AgentId: inst.ID, Archetype: "sales-assistant"})
	if err != nil || gen.GetContract() == nil {
		t.Fatalf("Generate: %v, %v", gen, err)
	}

	me, err := client.Keys.WhoAmI(ctx)
	if err != nil || me.GetScope() != keel.ScopeAdmin {
		t.Fatalf("WhoAmI: %v, %v", me, err)
	}
	created, err := client.Keys.Create(ctx, keel.KeySpec{Name: "smoke", Scope: keel.ScopeRead})
	if err != nil || created.Secret == "" {
		t.Fatalf("Keys.Create: %v", err)
	}
	if revoked, err := client.Keys.Revoke(ctx, created.Key.GetKeyId(), ""); err != nil || revoked.GetRevokeTime() == nil {
		t.Fatalf("Revoke: %v, %v", revoked, err)
	}
	if page, err := client.Keys.List(ctx, "", nil); err != nil || len(page.Items) < 2 {
		t.Fatalf("Keys.List: %v", err)
	}

	if err := client.Instances.Delete(ctx, inst.ID); err != nil {
		t.Fatal(err)
	}
	_, err = client.Instances.Get(ctx, inst.ID)
	expectCode(t, err, "NOT_FOUND")
}
