package keel

import (
	"context"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"

	keelv1 "github.com/keel-runtime/keel/clients/go/gen/keel/v1"
)

// recordingStream is the client side of a session stream that records what is sent.
type recordingStream struct {
	grpc.ClientStream // unused methods
	ctx               context.Context
	mu                sync.Mutex
	sent              []*keelv1.SessionRequest
}

func (r *recordingStream) Send(req *keelv1.SessionRequest) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, req)
	return nil
}

func (r *recordingStream) Recv() (*keelv1.SessionResponse, error) { select {} }
func (r *recordingStream) CloseSend() error                       { return nil }
func (r *recordingStream) Context() context.Context               { return r.ctx }

func (r *recordingStream) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sent)
}

// The window of 4 keeps at most 4 frames unanswered, refilling once 2 are free.
func TestLinkKeepsAtMostTheWindowUnanswered(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	st := &recordingStream{ctx: ctx}
	l := newLink(st, 4, 0)
	frame := frameOf(observations(1), 1, false)
	for range 10 {
		l.push(frame)
	}
	go l.send(0)
	defer func() { cancel(); <-l.stopped }()

	waitFor := func(want int) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for st.count() != want {
			if time.Now().After(deadline) {
				t.Fatalf("sent %d frames, want %d", st.count(), want)
			}
			time.Sleep(time.Millisecond)
		}
		time.Sleep(20 * time.Millisecond) // and no more
		if got := st.count(); got != want {
			t.Fatalf("sent %d frames, want %d", got, want)
		}
	}
	waitFor(4)
	l.answered() // 3 unanswered: less than half the window is free
	waitFor(4)
	l.answered() // 2 unanswered: refill to 4
	waitFor(6)
	for range 4 {
		l.answered()
	}
	waitFor(10)
}
