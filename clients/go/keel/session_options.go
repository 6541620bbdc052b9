package keel

import "time"

// SessionOption configures Client.Session.
type SessionOption func(*sessionOptions)

type sessionOptions struct {
	resumeAfter   uint64
	batchSize     int
	maxInFlight   int
	heartbeat     time.Duration
	openTimeout   time.Duration
	maxReconnects int
	backoffMin    time.Duration
	backoffMax    time.Duration
	onReconnect   func(attempt int, cause *Error, delay time.Duration)
}

func defaultSessionOptions() sessionOptions {
	return sessionOptions{
		batchSize:     MaxBatch,
		heartbeat:     30 * time.Second,
		openTimeout:   10 * time.Second,
		maxReconnects: 8,
		backoffMin:    50 * time.Millisecond,
		backoffMax:    2 * time.Second,
	}
}

// WithResumeAfter continues a session whose last answered sequence an earlier process saved
// (see Session.LastSequence). Not needed otherwise: a fresh session continues from the agent's
// last sequence by itself.
func WithResumeAfter(sequence uint64) SessionOption {
	return func(o *sessionOptions) { o.resumeAfter = sequence }
}

// WithBatchSize sets how many observations ProcessMany puts in one frame (1 to MaxBatch;
// default MaxBatch).
func WithBatchSize(n int) SessionOption {
	return func(o *sessionOptions) { o.batchSize = min(max(n, 1), MaxBatch) }
}

// WithMaxInFlight bounds how many frames a session has sent and not yet seen answered, refilling
// in bursts once half are answered; later frames wait in the session. The default, 0, sends every
// frame at once and leaves the bounding to HTTP/2 flow control: measured here, a window of 16
// frames cost ~25% more client CPU per contract and some throughput (one write per refill).
func WithMaxInFlight(frames int) SessionOption {
	return func(o *sessionOptions) { o.maxInFlight = max(frames, 0) }
}

// WithHeartbeat sets how long a session may stay silent before it sends a heartbeat frame, so
// that proxies keep an idle stream open; default 30 s, 0 disables.
func WithHeartbeat(every time.Duration) SessionOption {
	return func(o *sessionOptions) { o.heartbeat = every }
}

// WithReconnect sets how many reconnect attempts one outage may take before pending calls fail
// (default 8; the count restarts whenever a stream opens), and the backoff between them (default
// 50 ms doubling to 2 s). A quota refusal waits the server's RetryInfo delay instead.
func WithReconnect(attempts int, initial, ceiling time.Duration) SessionOption {
	return func(o *sessionOptions) { o.maxReconnects, o.backoffMin, o.backoffMax = attempts, initial, ceiling }
}

// WithOnReconnect calls f before each reconnect, with the error that ended the stream and the
// delay before the attempt (for logs and metrics). f must not block.
func WithOnReconnect(f func(attempt int, cause *Error, delay time.Duration)) SessionOption {
	return func(o *sessionOptions) { o.onReconnect = f }
}
