package keel

import (
	"context"
	"errors"
	"io"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/connectivity"

	keelv1 "github.com/keel-runtime/keel/clients/go/gen/keel/v1"
)

// errReposition ends a stream that opened behind the agent's last sequence with nothing pending:
// the next one opens right after that sequence (the server expects the first frame of a stream
// to follow resume_after_sequence).
var errReposition = errors.New("re-open after the agent's last sequence")

// run holds one stream after another until the session is closed or fails.
func (s *Session) run() {
	defer close(s.done)
	attempt := 0
	for !s.finished() {
		opened, err := s.stream()
		if s.finished() {
			return
		}
		if opened {
			attempt = 0
		}
		if errors.Is(err, errReposition) {
			continue
		}
		if err == nil {
			err = newError(codes.Unavailable, "the server ended the session stream")
		}
		kerr := toError(s.ctx, err).(*Error)
		s.setPace(kerr)
		attempt++
		delay, retry := s.reconnectDelay(attempt, kerr)
		if !retry {
			s.fail(kerr)
			return
		}
		if s.opts.onReconnect != nil {
			s.opts.onReconnect(attempt, kerr, delay)
		}
		if sleep(s.ctx, delay) != nil {
			if !s.finished() {
				s.fail(kerr) // ended while waiting
			}
			return
		}
	}
}

// setPace slows the next stream down after a quota refusal. RetryInfo's delay is the time the
// key's token bucket needs to refill for the refused frame (the oldest pending one), a lower
// bound for its pace; consecutive refusals double the pace instead (the sender speeds up by 1%
// per frame meanwhile), so a throttled session settles near the key's rate rather than being
// refused, and reconnecting, frame after frame.
func (s *Session) setPace(err *Error) {
	if err.Code != codes.ResourceExhausted || err.RetryDelay <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pending) == 0 {
		return
	}
	f := s.pending[0]
	s.pace = max(err.RetryDelay/time.Duration(f.last-f.first+1), 2*s.pace)
}

// finished reports whether run should stop: the session failed, or it is closed and drained.
func (s *Session) finished() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err != nil || (s.closing && len(s.pending) == 0)
}

// reconnectDelay decides whether the error that ended a stream is worth a new one.
func (s *Session) reconnectDelay(attempt int, err *Error) (time.Duration, bool) {
	if attempt > s.opts.maxReconnects {
		return 0, false
	}
	if s.client.conn.GetState() == connectivity.Shutdown {
		return 0, false // Client.Close
	}
	switch err.Code {
	case codes.ResourceExhausted:
		// Over quota: nothing of the refused frame was processed; come back when told. Without
		// RetryInfo (e.g. a message too large) a retry would fail the same way.
		return quotaDelay(err.RetryDelay), err.RetryDelay > 0
	case codes.Unavailable:
		// Unreachable, draining, or the connection died under the stream.
		return backoffDelay(attempt, s.opts.backoffMin, s.opts.backoffMax), true
	case codes.Canceled:
		// Not cancelled by us (the session context is live): the stream was reset under us.
		return backoffDelay(attempt, s.opts.backoffMin, s.opts.backoffMax), s.ctx.Err() == nil
	}
	// ABORTED (a newer session took over), UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND,
	// FAILED_PRECONDITION, INVALID_ARGUMENT, ...: the same request would fail again.
	return 0, false
}

// stream runs one stream: open, re-send what is unanswered, then deliver outcomes until it ends.
// It reports whether the stream opened, and the error that ended it (nil: ended cleanly).
func (s *Session) stream() (opened bool, err error) {
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	var timedOut atomic.Bool
	openTimer := time.AfterFunc(s.opts.openTimeout, func() { timedOut.Store(true); cancel() })
	defer openTimer.Stop()

	st, opening, err := s.open(ctx)
	if err != nil {
		if timedOut.Load() {
			return false, newError(codes.Unavailable, "the session did not open within %v", s.opts.openTimeout)
		}
		return false, err
	}
	openTimer.Stop()

	s.mu.Lock()
	if s.err != nil {
		s.mu.Unlock()
		return true, nil
	}
	if last := opening.GetLastSequence(); len(s.pending) == 0 && last > s.acked {
		// A fresh client on an agent with history (or another client moved it on): continue the
		// numbering after the server's last sequence.
		s.acked, s.next = last, last+1
		s.mu.Unlock()
		return true, errReposition
	}
	l := newLink(st, s.opts.maxInFlight, s.pace)
	for _, f := range s.pending {
		l.queue = append(l.queue, f.frame)
	}
	if s.closing && len(s.pending) == 0 {
		l.finishing = true
	}
	s.live = l
	s.contract = opening.GetContract()
	s.mu.Unlock()
	s.markOpened()

	go l.send(s.opts.heartbeat)
	err = s.receive(st, l)
	s.mu.Lock()
	s.live = nil
	s.mu.Unlock()
	cancel()
	// The sender belongs to this stream alone; wait for it, so that nothing of this stream runs
	// once the next one starts.
	<-l.stopped
	s.mu.Lock()
	s.pace = l.pace // the sender's last pace carries over to the next stream
	s.mu.Unlock()
	return true, err
}

// open starts a stream and exchanges the open frames.
func (s *Session) open(ctx context.Context) (keelv1.EngineService_SessionClient, *keelv1.SessionOpened, error) {
	// WaitForReady: while the connection is being re-established the stream waits for it (up to
	// the open timeout) instead of failing at once.
	st, err := s.client.engine.Session(ctx, grpc.WaitForReady(true))
	if err != nil {
		return nil, nil, err
	}
	s.mu.Lock()
	resume := s.acked
	s.mu.Unlock()
	open := &keelv1.SessionRequest{Frame: &keelv1.SessionRequest_Open{Open: &keelv1.SessionOpen{InstanceId: s.instanceID, ResumeAfterSequence: resume}}}
	if err := st.Send(open); err != nil && err != io.EOF {
		return nil, nil, err
	} // on io.EOF the stream has ended: Recv returns why
	res, err := st.Recv()
	if err != nil {
		return nil, nil, err
	}
	opening := res.GetOpened()
	if opening == nil {
		return nil, nil, newError(codes.Internal, "session protocol error: the server answered open with %T", res.GetFrame())
	}
	return st, opening, nil
}

// receive delivers answers until the stream ends; nil means it ended cleanly.
func (s *Session) receive(st keelv1.EngineService_SessionClient, l *link) error {
	for {
		res, err := st.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch frame := res.GetFrame().(type) {
		case *keelv1.SessionResponse_Outcome:
			err = s.deliver(false, []*keelv1.SequencedOutcome{frame.Outcome})
		case *keelv1.SessionResponse_Batch:
			if len(frame.Batch.GetOutcomes()) == 0 {
				err = newError(codes.Internal, "session protocol error: an empty batch outcome")
			} else {
				err = s.deliver(true, frame.Batch.GetOutcomes())
			}
		}
		if err != nil {
			s.fail(err) // the server broke the protocol: retrying cannot help
			return err
		}
		if _, beat := res.GetFrame().(*keelv1.SessionResponse_Heartbeat); !beat {
			l.answered()
		}
	}
}

func (s *Session) markOpened() {
	select {
	case <-s.opened:
	default:
		close(s.opened)
	}
}
