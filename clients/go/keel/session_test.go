package keel

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// checkExactlyOnce asserts that sequences 1..n were each processed once and answered in order.
func checkExactlyOnce(t *testing.T, f *fakeEngine, outs []*Outcome, n int) {
	t.Helper()
	if len(outs) != n {
		t.Fatalf("got %d outcomes, want %d", len(outs), n)
	}
	for i, o := range outs {
		if o.Sequence != uint64(i+1) || o.Contract.CycleCount != uint64(i+1) {
			t.Fatalf("outcome %d: sequence %d, cycle %d; want both %d", i, o.Sequence, o.Contract.CycleCount, i+1)
		}
	}
	last, processed, _ := f.snapshot()
	if last != uint64(n) || len(processed) != n {
		t.Fatalf("server processed %d sequences up to %d, want %d", len(processed), last, n)
	}
	for seq, times := range processed {
		if times != 1 {
			t.Fatalf("sequence %d processed %d times", seq, times)
		}
	}
}

func TestSessionResumesAfterCutsExactlyOnce(t *testing.T) {
	f := newFakeEngine()
	rng := rand.New(rand.NewPCG(7, 11))
	var rngMu sync.Mutex
	// About one frame in eight ends its stream: half before processing, half after processing
	// but before answering (the case that needs replays).
	f.fault = func(int, bool) error {
		rngMu.Lock()
		defer rngMu.Unlock()
		if rng.IntN(16) == 0 {
			return status.Error(codes.Unavailable, "connection cut")
		}
		return nil
	}
	c := f.serve(t)
	reconnects := 0
	s, err := c.Session(context.Background(), "inst_0000000000000001",
		WithBatchSize(16), WithReconnect(50, time.Millisecond, 5*time.Millisecond),
		WithOnReconnect(func(int, *Error, time.Duration) { reconnects++ }))
	if err != nil {
		t.Fatal(err)
	}
	outs, err := s.ProcessMany(context.Background(), observations(2000))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	checkExactlyOnce(t, f, outs, 2000)
	if reconnects == 0 {
		t.Fatal("no stream was cut: the test proves nothing")
	}
	if replays := countReplayed(outs); replays == 0 {
		t.Fatal("no outcome was a replay: the after-processing cut was never exercised")
	}
}

func countReplayed(outs []*Outcome) int {
	n := 0
	for _, o := range outs {
		if o.Replayed {
			n++
		}
	}
	return n
}

func TestSessionConcurrentCallersAreNumberedInOrder(t *testing.T) {
	f := newFakeEngine()
	f.fault = func(frame int, after bool) error {
		if frame%50 == 0 && after {
			return status.Error(codes.Unavailable, "cut")
		}
		return nil
	}
	c := f.serve(t)
	s, err := c.Session(context.Background(), "inst_0000000000000001", WithReconnect(50, time.Millisecond, 5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var prev uint64
			for i := 0; i < 50; i++ {
				var out *Outcome
				var err error
				if i%2 == 0 {
					out, err = s.Process(context.Background(), Observe(ModeOrder, 0.5))
				} else {
					var outs []*Outcome
					outs, err = s.ProcessMany(context.Background(), observations(3))
					if err == nil {
						out = outs[0]
					}
				}
				if err != nil {
					errs <- err
					return
				}
				if out.Sequence <= prev {
					errs <- errors.New("a caller's outcomes went backwards")
					return
				}
				prev = out.Sequence
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	_ = s.Close()
	last, processed, _ := f.snapshot()
	if want := uint64(8 * (25 + 25*3)); last != want || len(processed) != int(want) {
		t.Fatalf("last %d, processed %d, want %d", last, len(processed), want)
	}
}

func TestSessionFreshClientContinuesAfterTheAgentsHistory(t *testing.T) {
	f := newFakeEngine()
	f.mu.Lock()
	for seq := uint64(1); seq <= 10; seq++ {
		f.cycle(seq)
	}
	f.mu.Unlock()
	c := f.serve(t)
	s, err := c.Session(context.Background(), "inst_0000000000000001")
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.Process(context.Background(), Observe(ModeExploration, 0.7))
	if err != nil {
		t.Fatal(err)
	}
	if out.Sequence != 11 || out.Replayed || out.Contract.CycleCount != 11 {
		t.Fatalf("got sequence %d (replayed %v, cycle %d), want a fresh 11", out.Sequence, out.Replayed, out.Contract.CycleCount)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if got := f.opens[len(f.opens)-1].GetResumeAfterSequence(); got != 10 {
		t.Fatalf("the live stream resumed after %d, want 10", got)
	}
}

func TestSessionWaitsOutQuotaRefusals(t *testing.T) {
	f := newFakeEngine()
	const asked = 150 * time.Millisecond
	f.fault = func(frame int, after bool) error {
		if frame == 2 && !after {
			return quotaError(asked)
		}
		return nil
	}
	c := f.serve(t)
	var delays []time.Duration
	s, err := c.Session(context.Background(), "inst_0000000000000001",
		WithOnReconnect(func(_ int, cause *Error, d time.Duration) {
			if cause.Code != codes.ResourceExhausted || cause.RetryDelay != asked {
				t.Errorf("reconnect after %v, want RESOURCE_EXHAUSTED with RetryInfo %v", cause, asked)
			}
			delays = append(delays, d)
		}))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	outs, err := s.ProcessMany(context.Background(), observations(3*MaxBatch))
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	checkExactlyOnce(t, f, outs, 3*MaxBatch)
	if len(delays) != 1 || delays[0] < asked {
		t.Fatalf("reconnect delays %v, want one of at least %v", delays, asked)
	}
	if elapsed := time.Since(start); elapsed < asked {
		t.Fatalf("finished after %v, before the asked %v", elapsed, asked)
	}
}

func TestSessionDoesNotRetryTerminalErrors(t *testing.T) {
	for _, code := range []codes.Code{codes.Aborted, codes.Unauthenticated, codes.PermissionDenied} {
		t.Run(codeName(code), func(t *testing.T) {
			f := newFakeEngine()
			f.fault = func(frame int, after bool) error {
				if frame == 2 {
					return status.Error(code, "refused")
				}
				return nil
			}
			c := f.serve(t)
			s, err := c.Session(context.Background(), "inst_0000000000000001")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Process(context.Background(), Observe(ModeOrder, 0.5)); err != nil {
				t.Fatal(err)
			}
			_, err = s.Process(context.Background(), Observe(ModeOrder, 0.5))
			var kerr *Error
			if !errors.As(err, &kerr) || kerr.Code != code {
				t.Fatalf("got %v, want a *keel.Error with %v", err, code)
			}
			if _, _, opens := f.snapshot(); opens != 1 {
				t.Fatalf("%d opens: the session retried %v", opens, code)
			}
			if _, err := s.Process(context.Background(), Observe(ModeOrder, 0.5)); !errors.As(err, &kerr) || kerr.Code != code {
				t.Fatalf("a later call got %v, want the session's %v", err, code)
			}
			<-s.Done()
			if !errors.As(s.Err(), &kerr) || kerr.Code != code {
				t.Fatalf("Err() = %v, want %v", s.Err(), code)
			}
		})
	}
}

func TestSessionRefusedAtOpen(t *testing.T) {
	f := newFakeEngine()
	f.openFault = func(int) error { return status.Error(codes.Unauthenticated, "unknown key") }
	c := f.serve(t)
	_, err := c.Session(context.Background(), "inst_0000000000000001")
	var kerr *Error
	if !errors.As(err, &kerr) || kerr.Code != codes.Unauthenticated {
		t.Fatalf("got %v, want UNAUTHENTICATED", err)
	}
	if _, _, opens := f.snapshot(); opens != 1 {
		t.Fatalf("%d opens, want 1", opens)
	}
}

func TestSessionSendsHeartbeatsWhenIdle(t *testing.T) {
	f := newFakeEngine()
	c := f.serve(t)
	s, err := c.Session(context.Background(), "inst_0000000000000001", WithHeartbeat(10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		f.mu.Lock()
		beats := f.heartbeats
		f.mu.Unlock()
		if beats >= 3 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d heartbeats after 5 s of idling with a 10 ms interval", beats)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestSessionRejectsBadObservationsWithoutTakingASequence(t *testing.T) {
	f := newFakeEngine()
	c := f.serve(t)
	s, err := c.Session(context.Background(), "inst_0000000000000001")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.Process(context.Background(), Observe(ModeOrder, 1.5))
	var kerr *Error
	if !errors.As(err, &kerr) || kerr.Code != codes.InvalidArgument || !kerr.HasField("observation.signal_strength") {
		t.Fatalf("got %v, want INVALID_ARGUMENT naming observation.signal_strength", err)
	}
	out, err := s.Process(context.Background(), Observe(ModeOrder, 0.5))
	if err != nil || out.Sequence != 1 {
		t.Fatalf("next observation: %v, %v; want sequence 1", out, err)
	}
}

func TestSessionCloseDrainsAndRefusesLaterCalls(t *testing.T) {
	f := newFakeEngine()
	c := f.serve(t)
	s, err := c.Session(context.Background(), "inst_0000000000000001")
	if err != nil {
		t.Fatal(err)
	}
	result := make(chan error, 1)
	go func() {
		_, err := s.ProcessMany(context.Background(), observations(500))
		result <- err
	}()
	time.Sleep(5 * time.Millisecond)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-result; err != nil && !errors.Is(err, ErrSessionClosed) {
		t.Fatalf("ProcessMany during Close: %v", err)
	}
	if _, err := s.Process(context.Background(), Observe(ModeOrder, 0.5)); !errors.Is(err, ErrSessionClosed) {
		t.Fatalf("Process after Close: %v, want ErrSessionClosed", err)
	}
	select {
	case <-s.Done():
	default:
		t.Fatal("Done is open after Close")
	}
	if s.Err() != nil {
		t.Fatalf("Err() = %v after a clean Close", s.Err())
	}
	last, processed, _ := f.snapshot()
	if int(last) != len(processed) {
		t.Fatalf("last %d with %d processed", last, len(processed))
	}
}

func TestSessionOpenHonoursContext(t *testing.T) {
	f := newFakeEngine()
	f.openFault = func(int) error { return status.Error(codes.Unavailable, "draining") }
	c := f.serve(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := c.Session(ctx, "inst_0000000000000001", WithReconnect(1000, time.Millisecond, 10*time.Millisecond))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the context's deadline", err)
	}
}

// bucket is a token bucket like Keel's per-key quota: refuses a frame it cannot pay for, with
// the delay until it could.
type bucket struct {
	mu     sync.Mutex
	rate   float64 // tokens per second
	burst  float64
	tokens float64
	last   time.Time
}

func (b *bucket) take(n float64) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	if n <= b.tokens {
		b.tokens -= n
		return 0
	}
	return time.Duration((n - b.tokens) / b.rate * float64(time.Second))
}

func TestSessionPacesItselfUnderAQuota(t *testing.T) {
	f := newFakeEngine()
	quota := &bucket{rate: 2000, burst: 64, tokens: 64, last: time.Now()}
	f.fault = func(frame int, after bool) error {
		if after {
			return nil
		}
		if wait := quota.take(16); wait > 0 {
			return quotaError(max(wait, time.Millisecond))
		}
		return nil
	}
	c := f.serve(t)
	refusals := 0
	s, err := c.Session(context.Background(), "inst_0000000000000001", WithBatchSize(16),
		WithOnReconnect(func(int, *Error, time.Duration) { refusals++ }))
	if err != nil {
		t.Fatal(err)
	}
	outs, err := s.ProcessMany(context.Background(), observations(1600))
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	checkExactlyOnce(t, f, outs, 1600)
	// Unpaced, nearly every one of the 96 frames past the burst is refused once.
	if refusals > 20 {
		t.Fatalf("%d quota refusals for 100 frames: the session does not pace itself", refusals)
	}
	t.Logf("%d refusals", refusals)
}

func TestSessionResumesAfterTheServerEndsTheStreamCleanly(t *testing.T) {
	f := newFakeEngine()
	f.fault = func(frame int, after bool) error {
		if frame == 3 && !after {
			return errEndCleanly
		}
		return nil
	}
	c := f.serve(t)
	s, err := c.Session(context.Background(), "inst_0000000000000001", WithReconnect(5, time.Millisecond, 5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	var outs []*Outcome
	for range 5 {
		out, err := s.Process(context.Background(), Observe(ModeOrder, 0.5))
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, out)
	}
	_ = s.Close()
	checkExactlyOnce(t, f, outs, 5)
	if _, _, opens := f.snapshot(); opens != 2 {
		t.Fatalf("%d opens, want 2", opens)
	}
}
