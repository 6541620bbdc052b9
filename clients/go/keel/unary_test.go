package keel

import (
	"context"
	"errors"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestProcessRetriesUnavailableWithTheSameRequestID(t *testing.T) {
	f := newFakeEngine()
	f.unary = func(call int) error {
		if call <= 2 {
			return status.Error(codes.Unavailable, "connection reset")
		}
		return nil
	}
	c := f.serve(t, WithRetry(RetryPolicy{MaxAttempts: 4, InitialBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}))
	if _, err := c.Engine.Process(context.Background(), "inst_0000000000000001", Observe(ModeOrder, 0.5)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Engine.Process(context.Background(), "inst_0000000000000001", Observe(ModeOrder, 0.5)); err != nil {
		t.Fatal(err)
	}
	ids := f.requestIDs
	if len(ids) != 4 || ids[0] == "" || ids[1] != ids[0] || ids[2] != ids[0] || ids[3] == ids[0] {
		t.Fatalf("request ids %q: want one id for the three attempts of the first call, another for the second", ids)
	}
}

func TestProcessKeepsTheCallersRequestID(t *testing.T) {
	f := newFakeEngine()
	c := f.serve(t)
	if _, err := c.Engine.Process(context.Background(), "inst_0000000000000001", Observe(ModeOrder, 0.5), WithRequestID("turn-42")); err != nil {
		t.Fatal(err)
	}
	if f.requestIDs[0] != "turn-42" {
		t.Fatalf("request id %q, want turn-42", f.requestIDs[0])
	}
}

func TestUnaryDoesNotRetryRefusals(t *testing.T) {
	for _, code := range []codes.Code{codes.Unauthenticated, codes.PermissionDenied, codes.InvalidArgument, codes.ResourceExhausted} {
		t.Run(codeName(code), func(t *testing.T) {
			f := newFakeEngine()
			f.unary = func(int) error { return status.Error(code, "no") } // RESOURCE_EXHAUSTED without RetryInfo
			c := f.serve(t)
			_, err := c.Engine.Process(context.Background(), "inst_0000000000000001", Observe(ModeOrder, 0.5))
			var kerr *Error
			if !errors.As(err, &kerr) || kerr.Code != code {
				t.Fatalf("got %v, want %v", err, code)
			}
			if len(f.requestIDs) != 1 {
				t.Fatalf("%d attempts, want 1", len(f.requestIDs))
			}
		})
	}
}

func TestUnaryWaitsOutQuotaButNotPastTheDeadline(t *testing.T) {
	f := newFakeEngine()
	f.unary = func(call int) error {
		if call == 1 {
			return quotaError(100 * time.Millisecond)
		}
		return nil
	}
	c := f.serve(t)
	start := time.Now()
	if _, err := c.Engine.Process(context.Background(), "inst_0000000000000001", Observe(ModeOrder, 0.5)); err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed < 100*time.Millisecond {
		t.Fatalf("retried after %v, before the asked 100ms", elapsed)
	}

	f.unary = func(int) error { return quotaError(time.Hour) }
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err := c.Engine.Process(ctx, "inst_0000000000000001", Observe(ModeOrder, 0.5))
	var kerr *Error
	if !errors.As(err, &kerr) || kerr.Code != codes.ResourceExhausted || kerr.RetryDelay != time.Hour {
		t.Fatalf("got %v, want RESOURCE_EXHAUSTED with a 1h RetryDelay at once", err)
	}
}

func TestErrorCarriesFieldViolations(t *testing.T) {
	f := newFakeEngine()
	f.unary = func(int) error {
		st, _ := status.New(codes.InvalidArgument, "observation.signal_strength: must be within [0, 1] (got 1.5)").
			WithDetails(&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
				{Field: "observation.signal_strength", Description: "must be within [0, 1] (got 1.5)"},
			}})
		return st.Err()
	}
	c := f.serve(t)
	_, err := c.Engine.Process(context.Background(), "inst_0000000000000001", Observe(ModeOrder, 1.5))
	var kerr *Error
	if !errors.As(err, &kerr) {
		t.Fatalf("%T is not a *keel.Error", err)
	}
	if kerr.CodeName() != "INVALID_ARGUMENT" || !kerr.HasField("observation.signal_strength") ||
		kerr.FieldViolations[0].Description != "must be within [0, 1] (got 1.5)" {
		t.Fatalf("got %+v", kerr)
	}
	if status.Code(err) != codes.InvalidArgument {
		t.Fatalf("status.Code reads %v", status.Code(err))
	}
	if want := "keel: INVALID_ARGUMENT: observation.signal_strength: must be within [0, 1] (got 1.5)"; err.Error() != want {
		t.Fatalf("Error() = %q, want %q", err.Error(), want)
	}
}

func TestContextErrorsUnwrap(t *testing.T) {
	f := newFakeEngine()
	f.unary = func(int) error { time.Sleep(200 * time.Millisecond); return nil }
	c := f.serve(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := c.Engine.Process(ctx, "inst_0000000000000001", Observe(ModeOrder, 0.5))
	var kerr *Error
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &kerr) || kerr.Code != codes.DeadlineExceeded {
		t.Fatalf("got %v, want DEADLINE_EXCEEDED wrapping context.DeadlineExceeded", err)
	}
}
