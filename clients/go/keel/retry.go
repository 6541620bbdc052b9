package keel

import (
	"context"
	cryptorand "crypto/rand"
	"encoding/hex"
	"math/rand/v2"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
)

// RetryPolicy says how unary calls are retried. A call is retried when
//   - the server was unreachable (UNAVAILABLE) and the call is a read or a write carrying a
//     request_id (Process, ProcessBatch, Reset, Instances.Create: the SDK sets one per logical
//     call and reuses it on every retry, so the server processes it at most once), or
//   - the key was over its quota (RESOURCE_EXHAUSTED with a RetryInfo delay: nothing was done).
//
// Nothing else is retried: not UNAUTHENTICATED, PERMISSION_DENIED, INVALID_ARGUMENT, ... A retry
// never waits past the call's context deadline.
type RetryPolicy struct {
	// MaxAttempts counts the first try; 1 disables retries.
	MaxAttempts int
	// InitialBackoff is the first wait after UNAVAILABLE, doubled per attempt up to MaxBackoff.
	InitialBackoff time.Duration
	MaxBackoff     time.Duration
}

// DefaultRetryPolicy is what Dial uses: 4 attempts, backoff from 50 ms to 2 s.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 4, InitialBackoff: 50 * time.Millisecond, MaxBackoff: 2 * time.Second}

// retryable says whether a unary call ends up safe to repeat.
type retryable bool

const (
	readOrIdempotent retryable = true  // reads, and writes with a request_id
	unsafeWrite      retryable = false // writes the server cannot recognise as repeats
)

// invoke runs one logical unary call with the client's retry policy.
func (c *Client) invoke(ctx context.Context, kind retryable, call func(context.Context) error) error {
	for attempt := 1; ; attempt++ {
		err := toError(ctx, call(ctx))
		if err == nil {
			return nil
		}
		kerr := err.(*Error)
		delay, ok := c.retry.delay(attempt, kerr, kind)
		if !ok || ctx.Err() != nil {
			return kerr
		}
		if deadline, has := ctx.Deadline(); has && time.Until(deadline) < delay {
			return kerr
		}
		if sleep(ctx, delay) != nil {
			return kerr
		}
	}
}

// delay is how long to wait before the next attempt, and whether there is one.
func (p RetryPolicy) delay(attempt int, err *Error, kind retryable) (time.Duration, bool) {
	if attempt >= p.MaxAttempts {
		return 0, false
	}
	switch {
	case err.Code == codes.ResourceExhausted && err.RetryDelay > 0:
		return quotaDelay(err.RetryDelay), true
	case err.Code == codes.Unavailable && kind == readOrIdempotent:
		return backoffDelay(attempt, p.InitialBackoff, p.MaxBackoff), true
	}
	return 0, false
}

// quotaDelay never comes back earlier than the server asked, and up to 10% later so that
// throttled clients do not return in step.
func quotaDelay(asked time.Duration) time.Duration {
	spread := max(asked/10, 5*time.Millisecond)
	return asked + rand.N(spread)
}

// backoffDelay is exponential with "equal jitter": between half and all of the step.
func backoffDelay(attempt int, initial, ceiling time.Duration) time.Duration {
	step := initial
	for i := 1; i < attempt && step < ceiling; i++ {
		step *= 2
	}
	step = min(step, ceiling)
	if step <= 0 {
		return 0
	}
	return step/2 + rand.N(step/2+1)
}

// sleep waits d or until ctx is done (then returns its error).
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// newRequestID returns a fresh idempotency key for one logical write, e.g.
// "go-3f9c0a8e2b7d4c1f9a0b6e5d4c3b2a19".
func newRequestID() string {
	var b [16]byte
	_, _ = cryptorand.Read(b[:]) // never fails on supported platforms
	return "go-" + hex.EncodeToString(b[:])
}

// unary runs one generated stub method with the client's retry policy.
func unary[Req, Res any](ctx context.Context, c *Client, kind retryable, method func(context.Context, Req, ...grpc.CallOption) (Res, error), req Req) (Res, error) {
	var res Res
	err := c.invoke(ctx, kind, func(ctx context.Context) (err error) {
		res, err = method(ctx, req)
		return err
	})
	return res, err
}
