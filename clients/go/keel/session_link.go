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

	mu        sync.Mutex
	queue     []*keelv1.SessionRequest
	finishing bool          // send what is queued, then half-close
	wake      chan struct{} // capacity 1: "the queue changed"
}

func newLink(stream keelv1.EngineService_SessionClient) *link {
	return &link{stream: stream, stopped: make(chan struct{}), wake: make(chan struct{}, 1)}
}

// push queues a frame for this stream.
func (l *link) push(frame *keelv1.SessionRequest) {
	l.mu.Lock()
	l.queue = append(l.queue, frame)
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
	for {
		l.mu.Lock()
		batch, finishing := l.queue, l.finishing
		l.queue = nil
		l.mu.Unlock()
		for _, frame := range batch {
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
