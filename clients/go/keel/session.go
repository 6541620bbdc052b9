package keel

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"google.golang.org/grpc/codes"

	keelv1 "github.com/keel-runtime/keel/clients/go/gen/keel/v1"
)

// MaxBatch is the most observations one session frame (and one ProcessBatch call) may carry.
const MaxBatch = 64

// ErrSessionClosed is returned by calls on a session after Close.
var ErrSessionClosed = errors.New("keel: session is closed")

// Session is a long-lived EngineService.Session stream for one agent. Every observation gets a
// sequence number; outcomes come back in order, exactly once, however often the connection
// drops: after a cut the session re-opens with resume_after_sequence and re-sends what was not
// answered, and the server answers already-processed sequences from its history.
//
// A quota refusal (RESOURCE_EXHAUSTED with RetryInfo) is waited out and resumed the same way. A
// takeover by a newer session for the agent (ABORTED), a refused key (UNAUTHENTICATED,
// PERMISSION_DENIED) or any other error ends the session: every pending and later call returns
// that *Error.
//
// Methods are safe for concurrent use; calls from several goroutines are pipelined on the one
// stream and numbered in the order they are made.
type Session struct {
	client     *Client
	instanceID string
	opts       sessionOptions

	// ctx lives until the session ends; cancelling it tears down the current stream.
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{} // closed when run returns
	opened chan struct{} // closed when the first stream is live

	mu       sync.Mutex
	pending  []*inflight // frames sent or to be sent, oldest first
	next     uint64      // the sequence of the next observation
	acked    uint64      // the highest sequence answered
	contract *keelv1.ExecutionContract
	live     *link         // the open stream, nil while (re)connecting
	pace     time.Duration // between observations, after quota refusals (see setPace)
	closing  bool
	err      error // set once the session has failed; terminal
}

// inflight is one frame (one observation, or a batch) awaiting its outcome.
type inflight struct {
	frame       *keelv1.SessionRequest // immutable: re-sent as is after a reconnect
	first, last uint64
	batch       bool
	done        chan struct{} // closed once outcomes or err is set
	outcomes    []*keelv1.SequencedOutcome
	err         error
}

// Session opens a session for the agent. ctx bounds the opening only, like net.Dialer's
// DialContext: the session then lives, with no deadline, until Close, a terminal error or
// Client.Close. Values of ctx (e.g. metadata) go with every stream.
func (c *Client) Session(ctx context.Context, instanceID string, opts ...SessionOption) (*Session, error) {
	o := defaultSessionOptions()
	for _, opt := range opts {
		opt(&o)
	}
	life, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s := &Session{
		client:     c,
		instanceID: instanceID,
		opts:       o,
		ctx:        life,
		cancel:     cancel,
		done:       make(chan struct{}),
		opened:     make(chan struct{}),
		next:       o.resumeAfter + 1,
		acked:      o.resumeAfter,
	}
	go s.run()
	select {
	case <-s.opened:
		return s, nil
	case <-s.done:
		return nil, s.failure()
	case <-ctx.Done():
		s.fail(toError(ctx, ctx.Err()))
		<-s.done
		return nil, toError(ctx, ctx.Err())
	}
}

// InstanceID is the agent this session is for.
func (s *Session) InstanceID() string { return s.instanceID }

// Done is closed when the session has ended: closed, or failed (Err says why), e.g. taken over
// by a newer session for the agent while idle.
func (s *Session) Done() <-chan struct{} { return s.done }

// Err is the error that ended the session; nil while it runs and after a clean Close.
func (s *Session) Err() error { return s.failure() }

// LastSequence is the highest sequence answered so far. Save it to continue the session in
// another process with WithResumeAfter.
func (s *Session) LastSequence() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.acked
}

// Contract is the latest contract: from the last outcome, or the one the server sent on open.
func (s *Session) Contract() *Contract {
	s.mu.Lock()
	defer s.mu.Unlock()
	return contractFrom(s.contract)
}

// Process sends one observation and waits for its outcome. If ctx ends first Process returns
// its error, but the observation stays in flight and will be processed: its sequence number is
// taken.
func (s *Session) Process(ctx context.Context, obs Observation) (*Outcome, error) {
	if err := obs.check(func() string { return "observation" }); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, toError(ctx, err) // not sent: no sequence taken
	}
	f, err := s.enqueue([]Observation{obs}, false)
	if err != nil {
		return nil, err
	}
	outs, err := s.wait(ctx, f[0])
	if err != nil {
		return nil, err
	}
	return outs[0], nil
}

// ProcessMany sends observations in batch frames (WithBatchSize each, pipelined; see
// WithMaxInFlight) and returns their outcomes in order. Each frame is processed and committed as
// a unit. On error it returns the outcomes received before it.
func (s *Session) ProcessMany(ctx context.Context, obs []Observation) ([]*Outcome, error) {
	for i, o := range obs {
		if err := o.check(func() string { return fmt.Sprintf("observations[%d]", i) }); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, toError(ctx, err)
	}
	frames, err := s.enqueue(obs, true)
	if err != nil {
		return nil, err
	}
	all := make([]*Outcome, 0, len(obs))
	for _, f := range frames {
		outs, err := s.wait(ctx, f)
		if err != nil {
			return all, err
		}
		all = append(all, outs...)
	}
	return all, nil
}

// Close waits for every pending outcome, then ends the stream. It returns the session's error if
// it failed, or ErrSessionClosed if it was already closed.
func (s *Session) Close() error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return ErrSessionClosed
	}
	s.closing = true
	var last *inflight
	if n := len(s.pending); n > 0 {
		last = s.pending[n-1]
	}
	s.mu.Unlock()
	if last != nil {
		<-last.done // outcomes arrive in order, and a failure settles every frame
	}
	s.mu.Lock()
	if s.live != nil {
		s.live.finish() // half-close: the server ends the stream cleanly
	} else {
		s.cancel() // between streams: nothing to say goodbye to
	}
	s.mu.Unlock()
	select {
	case <-s.done:
	case <-time.After(5 * time.Second): // the server did not end the stream: stop waiting
	}
	s.cancel()
	<-s.done
	if err := s.failure(); err != nil && !errors.Is(err, ErrSessionClosed) {
		return err
	}
	return nil
}

// enqueue numbers the observations, splits them into frames, and hands the frames to the live
// stream (or leaves them for the next one).
func (s *Session) enqueue(obs []Observation, batch bool) ([]*inflight, error) {
	if len(obs) == 0 {
		return nil, nil
	}
	size := 1
	if batch {
		size = s.opts.batchSize
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return nil, s.err
	}
	if s.closing {
		return nil, ErrSessionClosed
	}
	frames := make([]*inflight, 0, (len(obs)+size-1)/size)
	for start := 0; start < len(obs); start += size {
		chunk := obs[start:min(start+size, len(obs))]
		f := &inflight{first: s.next, last: s.next + uint64(len(chunk)) - 1, batch: batch, done: make(chan struct{})}
		f.frame = frameOf(chunk, s.next, batch)
		s.next += uint64(len(chunk))
		s.pending = append(s.pending, f)
		if s.live != nil {
			s.live.push(f.frame)
		}
		frames = append(frames, f)
	}
	return frames, nil
}

// wait returns the frame's outcomes, converted to readable results in the caller's goroutine.
func (s *Session) wait(ctx context.Context, f *inflight) ([]*Outcome, error) {
	select {
	case <-f.done:
	case <-ctx.Done():
		return nil, toError(ctx, ctx.Err())
	}
	if f.err != nil {
		return nil, f.err
	}
	outs := make([]*Outcome, len(f.outcomes))
	for i, o := range f.outcomes {
		outs[i] = outcomeFrom(o.GetOutcome())
		outs[i].Sequence = o.GetSequence()
		outs[i].Replayed = o.GetReplayed()
	}
	return outs, nil
}

// deliver settles the oldest pending frame with one answer frame from the server.
func (s *Session) deliver(batch bool, outcomes []*keelv1.SequencedOutcome) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pending) == 0 {
		return newError(codes.Internal, "session protocol error: an outcome for sequence %d, none pending", outcomes[0].GetSequence())
	}
	f := s.pending[0]
	if f.batch != batch || len(outcomes) != int(f.last-f.first+1) ||
		outcomes[0].GetSequence() != f.first || outcomes[len(outcomes)-1].GetSequence() != f.last {
		return newError(codes.Internal, "session protocol error: outcomes for sequences %d..%d, expected %d..%d",
			outcomes[0].GetSequence(), outcomes[len(outcomes)-1].GetSequence(), f.first, f.last)
	}
	s.pending[0] = nil
	s.pending = s.pending[1:]
	s.acked = f.last
	s.contract = outcomes[len(outcomes)-1].GetOutcome().GetContract()
	f.outcomes = outcomes
	close(f.done)
	return nil
}

// fail ends the session with err (the first error wins): every pending frame and every later
// call gets it.
func (s *Session) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return
	}
	s.err = err
	for _, f := range s.pending {
		f.err = err
		close(f.done)
	}
	s.pending = nil
	s.cancel()
}

func (s *Session) failure() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

func frameOf(chunk []Observation, first uint64, batch bool) *keelv1.SessionRequest {
	if !batch {
		return &keelv1.SessionRequest{Frame: &keelv1.SessionRequest_Observation{Observation: &keelv1.SequencedObservation{
			Sequence: first, Observation: chunk[0].Proto(),
		}}}
	}
	items := make([]*keelv1.SequencedObservation, len(chunk))
	for i, o := range chunk {
		items[i] = &keelv1.SequencedObservation{Sequence: first + uint64(i), Observation: o.Proto()}
	}
	return &keelv1.SessionRequest{Frame: &keelv1.SessionRequest_Batch{Batch: &keelv1.ObservationBatch{Observations: items}}}
}
