package keel

import (
	"context"
	"errors"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
)

func TestDialReadsTargetAndKeyFromTheEnvironment(t *testing.T) {
	f := newFakeEngine()
	t.Setenv("KEEL_ADDR", f.listen(t))
	t.Setenv("KEEL_API_KEY", " keel_0123456789abcdef_secret \n")
	c, err := Dial(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Engine.Process(context.Background(), "inst_0000000000000001", Observe(ModeOrder, 0.5)); err != nil {
		t.Fatal(err)
	}
	if got := f.auth[0]; got != "Bearer keel_0123456789abcdef_secret" {
		t.Fatalf("authorization %q", got)
	}
}

func TestAnExplicitKeyWinsOverTheEnvironment(t *testing.T) {
	f := newFakeEngine()
	t.Setenv("KEEL_API_KEY", "from-env")
	c := f.serve(t, WithAPIKey("explicit"))
	if _, err := c.Engine.Process(context.Background(), "inst_0000000000000001", Observe(ModeOrder, 0.5)); err != nil {
		t.Fatal(err)
	}
	if got := f.auth[0]; got != "Bearer explicit" {
		t.Fatalf("authorization %q", got)
	}
}

func TestDialRejectsAMissingCAFile(t *testing.T) {
	_, err := Dial(context.Background(), "127.0.0.1:1", WithCAFile("/nonexistent/ca.pem"))
	var kerr *Error
	if !errors.As(err, &kerr) || kerr.Code != codes.InvalidArgument {
		t.Fatalf("got %v, want INVALID_ARGUMENT", err)
	}
}

func TestClosingTheClientEndsSessionsAtOnce(t *testing.T) {
	f := newFakeEngine()
	c := f.serve(t)
	s, err := c.Session(context.Background(), "inst_0000000000000001")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_ = c.Close()
	_, err = s.Process(context.Background(), Observe(ModeOrder, 0.5))
	for err == nil { // the close may race the first call; the next one must fail
		_, err = s.Process(context.Background(), Observe(ModeOrder, 0.5))
	}
	var kerr *Error
	if !errors.As(err, &kerr) || kerr.Code != codes.Canceled {
		t.Fatalf("got %v, want CANCELLED", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Fatalf("the session kept retrying a closed client for %v", elapsed)
	}
}

func TestACancelledCallTakesNoSequence(t *testing.T) {
	f := newFakeEngine()
	c := f.serve(t)
	s, err := c.Session(context.Background(), "inst_0000000000000001")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Process(ctx, Observe(ModeOrder, 0.5)); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	out, err := s.Process(context.Background(), Observe(ModeOrder, 0.5))
	if err != nil || out.Sequence != 1 {
		t.Fatalf("got %v, %v; want sequence 1", out, err)
	}
}
