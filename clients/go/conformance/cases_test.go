package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keel-runtime/keel/clients/go/keel"
)

// caseSpec is one entry of cases.json; each kind reads the fields it needs.
type caseSpec struct {
	ID           string `json:"id"`
	Kind         string `json:"kind"`
	Observations int    `json:"observations"`
	BatchSize    int    `json:"batch_size"`
	Cuts         int    `json:"cuts"`
	Seed         uint64 `json:"seed"`
	History      int    `json:"history"`
	More         int    `json:"more"`
	ExpectCode   string `json:"expect_code"`
	ExpectField  string `json:"expect_field"`
	APIKey       string `json:"api_key"`
	Instance     struct{ Name, Description string }
	First        observationSpec `json:"first"`
	Turn         observationSpec `json:"turn"`
	Request      observationSpec `json:"request"`
	Server       struct {
		QuotaCyclesPerSecond int  `json:"quota_cycles_per_second"`
		TLS                  bool `json:"tls"`
	} `json:"server"`
	Expect struct {
		First struct {
			Stress    string   `json:"stress"`
			Energy    string   `json:"energy"`
			Forbidden []string `json:"forbidden"`
		} `json:"first"`
		Turns []struct {
			Stress string `json:"stress"`
			Energy string `json:"energy"`
		} `json:"turns"`
		DriftEvents int `json:"drift_events"`
	} `json:"expect"`
}

type observationSpec struct {
	Mode           string  `json:"mode"`
	SignalStrength float64 `json:"signal_strength"`
}

func (o observationSpec) observation() keel.Observation {
	return keel.Observe(modeNamed(o.Mode), o.SignalStrength)
}

func modeNamed(name string) keel.Mode {
	for m := keel.ModePerception; m <= keel.ModeStressResponse; m++ {
		if keel.ModeName(m) == name {
			return m
		}
	}
	panic("unknown mode " + name)
}

type suite struct {
	Version      int `json:"version"`
	Observations struct {
		Modes []string `json:"modes"`
	} `json:"observations"`
	Cases []caseSpec `json:"cases"`
}

func loadSuite(t *testing.T) suite {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot(t), "conformance", "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s suite
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("cases.json: %v", err)
	}
	return s
}

// nth is the suite's observation number i (1-based), the same in every language.
func (s suite) nth(i int) keel.Observation {
	mode := modeNamed(s.Observations.Modes[(i*5)%7])
	return keel.Observe(mode, 0.05+float64((i*37)%91)/100)
}

func (s suite) range_(from, n int) []keel.Observation {
	out := make([]keel.Observation, n)
	for k := range out {
		out[k] = s.nth(from + k)
	}
	return out
}

var runners = map[string]func(*testing.T, suite, caseSpec){
	"tutorial":            runTutorial,
	"session_cuts":        runSessionCuts,
	"resume_fresh_client": runResumeFreshClient,
	"quota_backoff":       runQuotaBackoff,
	"takeover":            runTakeover,
	"invalid_argument":    runInvalidArgument,
	"wrong_key":           runWrongKey,
	"tls":                 runTLS,
}

func TestConformance(t *testing.T) {
	s := loadSuite(t)
	for _, c := range s.Cases {
		t.Run(c.ID, func(t *testing.T) {
			run, ok := runners[c.Kind]
			if !ok {
				t.Fatalf("no Go runner for case kind %q", c.Kind)
			}
			run(t, s, c)
		})
	}
}

// dial connects to addr (the harness's target or proxy) with the harness's admin key.
func dial(t *testing.T, h *harness, addr string, opts ...keel.Option) *keel.Client {
	t.Helper()
	opts = append([]keel.Option{keel.WithAPIKey(h.APIKey)}, opts...)
	if h.CAFile != nil {
		opts = append(opts, keel.WithCAFile(*h.CAFile))
	} else {
		opts = append(opts, keel.WithInsecure())
	}
	c, err := keel.Dial(context.Background(), addr, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// ctxFor bounds a case. Unary calls send the deadline to the server, which (before it caps
// them) refuses deadlines over a minute, so a case's context stays below that; waits on a
// session are local and take ctxLong.
func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func ctxLong(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func newAgent(t *testing.T, ctx context.Context, c *keel.Client, name string) string {
	t.Helper()
	inst, err := c.Instances.Create(ctx, keel.InstanceSpec{Name: name, Description: "Go SDK conformance"})
	if err != nil {
		t.Fatal(err)
	}
	return inst.ID
}

func cycles(t *testing.T, ctx context.Context, c *keel.Client, id string) uint64 {
	t.Helper()
	st, err := c.Engine.State(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return st.CycleCount
}

// expectCode asserts err is a *keel.Error with the canonical code name want.
func expectCode(t *testing.T, err error, want string) *keel.Error {
	t.Helper()
	var kerr *keel.Error
	if !errors.As(err, &kerr) {
		t.Fatalf("got %v (%T), want a *keel.Error with %s", err, err, want)
	}
	if kerr.CodeName() != want {
		t.Fatalf("got %s (%v), want %s", kerr.CodeName(), kerr, want)
	}
	return kerr
}

// checkInOrder asserts outcomes are cycles 1..n, each exactly once, in order.
func checkInOrder(t *testing.T, outs []*keel.Outcome, n int) {
	t.Helper()
	if len(outs) != n {
		t.Fatalf("%d outcomes, want %d", len(outs), n)
	}
	for i, o := range outs {
		if o.Contract.CycleCount != uint64(i+1) {
			t.Fatalf("outcome %d has cycle count %d, want %d", i+1, o.Contract.CycleCount, i+1)
		}
	}
}

func runTutorial(t *testing.T, s suite, c caseSpec) {
	h := startHarness(t)
	client := dial(t, h, h.Target)
	ctx := ctxFor(t)
	inst, err := client.Instances.Create(ctx, keel.InstanceSpec{Name: c.Instance.Name, Description: c.Instance.Description})
	if err != nil {
		t.Fatal(err)
	}
	first, err := client.Engine.Process(ctx, inst.ID, c.First.observation())
	if err != nil {
		t.Fatal(err)
	}
	forbidden := make([]string, len(first.Contract.ForbiddenActions))
	for i, a := range first.Contract.ForbiddenActions {
		forbidden[i] = strings.ToUpper(a)
	}
	want := c.Expect.First
	if got := fmt.Sprintf("%.2f", first.Contract.EnergyLevel); first.Contract.CurrentStressLevel != want.Stress || got != want.Energy || !slices.Equal(forbidden, want.Forbidden) {
		t.Fatalf("first contract: stress %s energy %s forbidden %v; want %s %s %v",
			first.Contract.CurrentStressLevel, got, forbidden, want.Stress, want.Energy, want.Forbidden)
	}
	session, err := client.Session(ctx, inst.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i, turn := range c.Expect.Turns {
		out, err := session.Process(ctx, c.Turn.observation())
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprintf("%.2f", out.Contract.EnergyLevel); out.Contract.CurrentStressLevel != turn.Stress || got != turn.Energy {
			t.Fatalf("turn %d: stress=%s energy=%s, want stress=%s energy=%s", i+1, out.Contract.CurrentStressLevel, got, turn.Stress, turn.Energy)
		}
	}
	if err := session.Close(); err != nil {
		t.Fatal(err)
	}
	drift, err := client.Engine.DriftEvents(ctx, inst.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(drift.Items) != c.Expect.DriftEvents {
		t.Fatalf("%d drift events, want %d", len(drift.Items), c.Expect.DriftEvents)
	}
}

func runSessionCuts(t *testing.T, s suite, c caseSpec) {
	h := startHarness(t)
	client := dial(t, h, h.Proxy)
	ctx := ctxFor(t)
	id := newAgent(t, ctx, client, "session-cuts")
	reconnects := 0
	session, err := client.Session(ctx, id, keel.WithBatchSize(c.BatchSize),
		keel.WithOnReconnect(func(int, *keel.Error, time.Duration) { reconnects++ }))
	if err != nil {
		t.Fatal(err)
	}
	// Cut when the session has answered past each of `cuts` seeded points.
	rng := rand.New(rand.NewPCG(c.Seed, c.Seed))
	points := make([]uint64, c.Cuts)
	for i := range points {
		points[i] = uint64(1 + rng.IntN(c.Observations-1))
	}
	slices.Sort(points)
	result := make(chan []*keel.Outcome, 1)
	failure := make(chan error, 1)
	go func() {
		outs, err := session.ProcessMany(ctxLong(t), s.range_(1, c.Observations))
		if err != nil {
			failure <- err
			return
		}
		result <- outs
	}()
	cut := 0
	for _, p := range points {
		for session.LastSequence() < p {
			select {
			case err := <-failure:
				t.Fatalf("after %d cuts: %v", cut, err)
			case <-time.After(200 * time.Microsecond):
			}
		}
		if answer := h.command(t, "cut"); !strings.HasPrefix(answer, "cut ") {
			t.Fatalf("harness answered %q to cut", answer)
		}
		cut++
	}
	var outs []*keel.Outcome
	select {
	case outs = <-result:
	case err := <-failure:
		t.Fatalf("after %d cuts: %v", cut, err)
	}
	if err := session.Close(); err != nil {
		t.Fatal(err)
	}
	checkInOrder(t, outs, c.Observations)
	if got := cycles(t, ctx, client, id); got != uint64(c.Observations) {
		t.Fatalf("cycle count %d, want %d", got, c.Observations)
	}
	if reconnects == 0 {
		t.Fatalf("%d cuts but no reconnect: the cuts missed the session", cut)
	}
	t.Logf("%d cuts, %d reconnects", cut, reconnects)
}

func runResumeFreshClient(t *testing.T, s suite, c caseSpec) {
	h := startHarness(t)
	ctx := ctxFor(t)
	first := dial(t, h, h.Target)
	id := newAgent(t, ctx, first, "resume-fresh-client")
	for i := 1; i <= c.History; i++ {
		if _, err := first.Engine.Process(ctx, id, s.nth(i)); err != nil {
			t.Fatal(err)
		}
	}
	_ = first.Close()

	// Each fresh client continues where the agent is, whatever its history came through; the
	// second one finds the first one's session sequences on the agent.
	for round := 1; round <= 2; round++ {
		fresh := dial(t, h, h.Target)
		session, err := fresh.Session(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := session.ProcessMany(ctx, s.range_(c.History+1, c.More)); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if err := session.Close(); err != nil {
			t.Fatal(err)
		}
		if got, want := cycles(t, ctx, fresh, id), uint64(c.History+round*c.More); got != want {
			t.Fatalf("round %d: cycle count %d, want %d", round, got, want)
		}
		_ = fresh.Close()
	}
}

func runQuotaBackoff(t *testing.T, s suite, c caseSpec) {
	h := startHarness(t, fmt.Sprintf("--quota-cycles-per-second=%d", c.Server.QuotaCyclesPerSecond))
	client := dial(t, h, h.Target)
	ctx := ctxFor(t)
	id := newAgent(t, ctx, client, "quota-backoff")
	waited := 0
	session, err := client.Session(ctx, id, keel.WithBatchSize(c.BatchSize),
		keel.WithOnReconnect(func(_ int, cause *keel.Error, _ time.Duration) {
			if cause.CodeName() == "RESOURCE_EXHAUSTED" && cause.RetryDelay > 0 {
				waited++
			}
		}))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	outs, err := session.ProcessMany(ctxLong(t), s.range_(1, c.Observations))
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	if err := session.Close(); err != nil {
		t.Fatal(err)
	}
	checkInOrder(t, outs, c.Observations)
	if got := cycles(t, ctx, client, id); got != uint64(c.Observations) {
		t.Fatalf("cycle count %d, want %d", got, c.Observations)
	}
	if waited == 0 {
		t.Fatal("the server never refused over quota: the case proves nothing")
	}
	t.Logf("waited out %d quota refusals; %.0f observations/s under a quota of %d/s",
		waited, float64(c.Observations)/elapsed.Seconds(), c.Server.QuotaCyclesPerSecond)
}

func runTakeover(t *testing.T, s suite, c caseSpec) {
	h := startHarness(t)
	ctx := ctxFor(t)
	clientA, clientB := dial(t, h, h.Target), dial(t, h, h.Target)
	id := newAgent(t, ctx, clientA, "takeover")
	a, err := clientA.Session(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Process(ctx, s.nth(1)); err != nil {
		t.Fatal(err)
	}
	b, err := clientB.Session(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.Process(ctx, s.nth(2))
	expectCode(t, err, c.ExpectCode)
	// A must not have fought back: B keeps working, also after a pause in which a retrying A
	// would have taken over again.
	for i := 2; i <= 3; i++ {
		time.Sleep(300 * time.Millisecond)
		if _, err := b.Process(ctx, s.nth(i)); err != nil {
			t.Fatalf("session B, observation %d: %v", i, err)
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if got := cycles(t, ctx, clientB, id); got != 3 {
		t.Fatalf("cycle count %d, want 3 (1 through A, 2 through B)", got)
	}
}

func runInvalidArgument(t *testing.T, s suite, c caseSpec) {
	h := startHarness(t)
	client := dial(t, h, h.Target)
	ctx := ctxFor(t)
	id := newAgent(t, ctx, client, "invalid-argument")
	_, err := client.Engine.Process(ctx, id, c.Request.observation())
	kerr := expectCode(t, err, c.ExpectCode)
	if !kerr.HasField(c.ExpectField) {
		t.Fatalf("field violations %+v do not name %s", kerr.FieldViolations, c.ExpectField)
	}
	if got := cycles(t, ctx, client, id); got != 0 {
		t.Fatalf("cycle count %d after a rejected request, want 0", got)
	}
}

func runWrongKey(t *testing.T, s suite, c caseSpec) {
	h := startHarness(t)
	ctx := ctxFor(t)
	admin := dial(t, h, h.Target)
	id := newAgent(t, ctx, admin, "wrong-key")
	wrong := dial(t, h, h.Target, keel.WithAPIKey(c.APIKey))
	start := time.Now()
	_, err := wrong.Engine.Process(ctx, id, s.nth(1))
	expectCode(t, err, c.ExpectCode)
	_, err = wrong.Session(ctx, id)
	expectCode(t, err, c.ExpectCode)
	// Not retried: a retry would wait at least a backoff step per attempt.
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Fatalf("refusals took %v: retried?", elapsed)
	}
	if got := cycles(t, ctx, admin, id); got != 0 {
		t.Fatalf("cycle count %d, want 0", got)
	}
}

func runTLS(t *testing.T, s suite, c caseSpec) {
	h := startHarness(t, "--tls")
	if h.CAFile == nil {
		t.Fatal("the TLS harness gave no ca_file")
	}
	client := dial(t, h, h.Target)
	ctx := ctxFor(t)
	inst, err := client.Instances.Create(ctx, keel.InstanceSpec{Name: "Aria", Description: "Customer service bot"})
	if err != nil {
		t.Fatal(err)
	}
	out, err := client.Engine.Process(ctx, inst.ID, keel.Observe(keel.ModeExploration, 0.7))
	if err != nil {
		t.Fatal(err)
	}
	if out.Contract.CycleCount != 1 {
		t.Fatalf("cycle count %d, want 1", out.Contract.CycleCount)
	}
}
