package keel

import (
	"sync"
	"time"

	keelv1 "github.com/keel-runtime/keel/clients/go/gen/keel/v1"
)

// link is the write side of one session stream. Its sender goroutine touches only the link:
// after a reconnect the next stream gets a new link, so a late sender can never write into it.
type link struct {
	stream  keelv1.EngineService_SessionClient
	stopped chan struct{} // closed when the sender has returned
	// window bounds the frames sent and not yet answered on this stream (0: unbounded); the rest
	// wait in the queue.
	window int
	// pace spaces observations out after a quota refusal (0: as fast as the stream takes them).
	// It shrinks by 1% per frame, so the sender creeps back up to the key's real rate; sending
	// too fast only costs another refusal and a new estimate.
	pace time.Duration

	mu         sync.Mutex
	queue      []*keelv1.SessionRequest
	unanswered int           // frames sent on this stream and not yet answered
	finishing  bool          // send what is queued, then half-close
	wake       chan struct{} // capacity 1: "the queue changed"
}

func newLink(stream keelv1.EngineService_SessionClient, window int, pace time.Duration) *link {
	return &link{stream: stream, window: window, pace: pace, stopped: make(chan struct{}), wake: make(chan struct{}, 1)}
}

// push queues a frame for this stream.
func (l *link) push(frame *keelv1.SessionRequest) {
	l.mu.Lock()
	l.queue = append(l.queue, frame)
	l.mu.Unlock()
	l.poke()
}

// answered records that the server answered one frame of this stream, opening the window.
func (l *link) answered() {
	l.mu.Lock()
	l.unanswered--
	l.mu.Unlock()
	l.poke()
}

// finish half-closes the stream once the queue is sent: the server then ends it cleanly.
func (l *link) finish() {
	l.mu.Lock()
	l.finishing = true
	l.mu.Unlock()
	l.poke()
}

func (l *link) poke() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// send writes queued frames in order, and a heartbeat after every silent interval. It stops at
// the first write error: the stream has ended and the receiver reads why.
func (l *link) send(heartbeat time.Duration) {
	defer close(l.stopped)
	var beat <-chan time.Time
	var ticker *time.Ticker
	if heartbeat > 0 {
		ticker = time.NewTicker(heartbeat)
		defer ticker.Stop()
		beat = ticker.C
	}
	ctx := l.stream.Context()
	var next time.Time // when paced: the earliest time of the next frame
	for {
		l.mu.Lock()
		n := len(l.queue)
		if l.window > 0 {
			// Refill only once half the window is answered, then in one burst: frames written
			// together share writes on both ends, where one frame per answer costs a write each.
			room := l.window - l.unanswered
			if room < (l.window+1)/2 {
				room = 0
			}
			n = min(n, room)
		}
		batch := l.queue[:n:n]
		l.queue = l.queue[n:]
		l.unanswered += n
		finishing := l.finishing && len(l.queue) == 0
		l.mu.Unlock()
		for _, frame := range batch {
			if l.pace > 0 {
				if sleep(ctx, time.Until(next)) != nil {
					return
				}
				next = later(next, time.Now()).Add(l.pace * time.Duration(observationsIn(frame)))
				l.pace -= l.pace / 100
			}
			if err := l.stream.Send(frame); err != nil {
				return
			}
		}
		if len(batch) > 0 {
			if ticker != nil {
				ticker.Reset(heartbeat)
			}
			continue
		}
		if finishing {
			_ = l.stream.CloseSend()
			return
		}
		select {
		case <-l.wake:
		case <-beat:
			if err := l.stream.Send(heartbeatFrame); err != nil {
				return
			}
		case <-ctx.Done():
			return
		}
	}
}

var heartbeatFrame = &keelv1.SessionRequest{Frame: &keelv1.SessionRequest_Heartbeat{Heartbeat: &keelv1.Heartbeat{}}}

func observationsIn(frame *keelv1.SessionRequest) int {
	if b := frame.GetBatch(); b != nil {
		return len(b.GetObservations())
	}
	return 1
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
