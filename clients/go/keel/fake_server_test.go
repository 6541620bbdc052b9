package keel

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	keelv1 "github.com/keel-runtime/keel/clients/go/gen/keel/v1"
)

// fakeEngine is an in-process EngineService with Keel's session semantics (per-agent last
// sequence, replays from history, per-stream sequence check) and scriptable faults, for testing
// the client's side of the protocol without a Keel server.
type fakeEngine struct {
	keelv1.UnimplementedEngineServiceServer

	mu         sync.Mutex
	last       uint64                          // the agent's last processed sequence
	outcomes   map[uint64]*keelv1.CycleOutcome // by sequence: the history
	processed  map[uint64]int                  // how often each sequence was processed
	opens      []*keelv1.SessionOpen           // every open frame received
	heartbeats int                             // heartbeat frames received
	requestIDs []string                        // request_id of every Process call
	auth       []string                        // the authorization header of every Process call
	// fault, when set, is consulted before each frame is processed and after: it may end the
	// stream with an error, "before" (nothing processed) or "after" (processed, unanswered).
	fault func(frame int, after bool) error
	// unary, when set, answers Process calls instead of the engine (nil: proceed).
	unary func(call int) error
	// openFault, when set, may refuse an open.
	openFault func(open int) error
	frames    int
	listFault error
}

func newFakeEngine() *fakeEngine {
	return &fakeEngine{outcomes: map[uint64]*keelv1.CycleOutcome{}, processed: map[uint64]int{}}
}

// serve starts the fake on a loopback port and returns a client for it.
func (f *fakeEngine) serve(t *testing.T, opts ...Option) *Client {
	t.Helper()
	c, err := Dial(context.Background(), f.listen(t), append([]Option{WithInsecure()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// listen starts the fake on a loopback port and returns its address.
func (f *fakeEngine) listen(t *testing.T) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	keelv1.RegisterEngineServiceServer(srv, f)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return lis.Addr().String()
}

// cycle processes one observation: the contract's cycle count is the number processed so far.
func (f *fakeEngine) cycle(seq uint64) *keelv1.CycleOutcome {
	f.processed[seq]++
	cycles := uint64(len(f.processed))
	out := &keelv1.CycleOutcome{Contract: &keelv1.ExecutionContract{CycleCount: cycles}, Revision: cycles}
	if seq > 0 {
		f.outcomes[seq] = out
		f.last = seq
	}
	return out
}

func (f *fakeEngine) Process(ctx context.Context, req *keelv1.ProcessRequest) (*keelv1.ProcessResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requestIDs = append(f.requestIDs, req.GetRequestId())
	md, _ := metadata.FromIncomingContext(ctx)
	f.auth = append(f.auth, strings.Join(md.Get("authorization"), ","))
	if f.unary != nil {
		if err := f.unary(len(f.requestIDs)); err != nil {
			return nil, err
		}
	}
	return &keelv1.ProcessResponse{Outcome: &keelv1.CycleOutcome{Contract: &keelv1.ExecutionContract{EnergyLevel: 0.9}}}, nil
}

func (f *fakeEngine) Session(st grpc.BidiStreamingServer[keelv1.SessionRequest, keelv1.SessionResponse]) error {
	first, err := st.Recv()
	if err != nil {
		return err
	}
	open := first.GetOpen()
	f.mu.Lock()
	f.opens = append(f.opens, open)
	n := len(f.opens)
	last := f.last
	f.mu.Unlock()
	if f.openFault != nil {
		if err := f.openFault(n); err != nil {
			return err
		}
	}
	if open.GetResumeAfterSequence() > last {
		return status.Error(codes.FailedPrecondition, "resume_after_sequence is ahead")
	}
	if err := st.Send(&keelv1.SessionResponse{Frame: &keelv1.SessionResponse_Opened{Opened: &keelv1.SessionOpened{LastSequence: last}}}); err != nil {
		return err
	}
	expected := open.GetResumeAfterSequence() + 1
	for {
		req, err := st.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		var items []*keelv1.SequencedObservation
		switch frame := req.GetFrame().(type) {
		case *keelv1.SessionRequest_Heartbeat:
			f.mu.Lock()
			f.heartbeats++
			f.mu.Unlock()
			continue
		case *keelv1.SessionRequest_Observation:
			items = []*keelv1.SequencedObservation{frame.Observation}
		case *keelv1.SessionRequest_Batch:
			items = frame.Batch.GetObservations()
		}
		if items[0].GetSequence() != expected {
			return status.Errorf(codes.FailedPrecondition, "sequence %d leaves a gap - this session expects %d next", items[0].GetSequence(), expected)
		}
		expected = items[len(items)-1].GetSequence() + 1
		f.mu.Lock()
		f.frames++
		frameNo := f.frames
		f.mu.Unlock()
		if f.fault != nil {
			if err := f.fault(frameNo, false); err == errEndCleanly {
				return nil
			} else if err != nil {
				return err
			}
		}
		f.mu.Lock()
		answers := make([]*keelv1.SequencedOutcome, len(items))
		for i, item := range items {
			seq := item.GetSequence()
			if seq <= f.last {
				answers[i] = &keelv1.SequencedOutcome{Sequence: seq, Outcome: f.outcomes[seq], Replayed: true}
			} else if seq == f.last+1 {
				answers[i] = &keelv1.SequencedOutcome{Sequence: seq, Outcome: f.cycle(seq)}
			} else {
				f.mu.Unlock()
				return status.Errorf(codes.FailedPrecondition, "sequence %d skips ahead", seq)
			}
		}
		f.mu.Unlock()
		if f.fault != nil {
			if err := f.fault(frameNo, true); err != nil {
				return err
			}
		}
		res := &keelv1.SessionResponse{Frame: &keelv1.SessionResponse_Batch{Batch: &keelv1.BatchOutcome{Outcomes: answers}}}
		if _, single := req.GetFrame().(*keelv1.SessionRequest_Observation); single {
			res = &keelv1.SessionResponse{Frame: &keelv1.SessionResponse_Outcome{Outcome: answers[0]}}
		}
		if err := st.Send(res); err != nil {
			return err
		}
	}
}

// errEndCleanly makes the fake end a stream with OK, as a server going away politely might.
var errEndCleanly = errors.New("end the stream with OK")

// quotaError is a RESOURCE_EXHAUSTED with a RetryInfo delay, as Keel sends over quota.
func quotaError(delay time.Duration) error {
	st, _ := status.New(codes.ResourceExhausted, "over the key's cycles-per-second quota").
		WithDetails(&errdetails.RetryInfo{RetryDelay: durationpb.New(delay)})
	return st.Err()
}

// observations returns n valid observations with varying modes and strengths.
func observations(n int) []Observation {
	out := make([]Observation, n)
	for i := range out {
		out[i] = Observe(Mode(1+i%7), float64(i%10)/10)
	}
	return out
}

func (f *fakeEngine) snapshot() (last uint64, processed map[uint64]int, opens int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := make(map[uint64]int, len(f.processed))
	for k, v := range f.processed {
		p[k] = v
	}
	return f.last, p, len(f.opens)
}

// ListHistory pages through five entries, two per page; page 3's token fails when listFault is set.
func (f *fakeEngine) ListHistory(_ context.Context, req *keelv1.ListHistoryRequest) (*keelv1.ListHistoryResponse, error) {
	start := map[string]int{"": 0, "p2": 2, "p3": 4}[req.GetPageToken()]
	if req.GetPageToken() == "p3" && f.listFault != nil {
		return nil, f.listFault
	}
	res := &keelv1.ListHistoryResponse{}
	for c := start; c < min(start+2, 5); c++ {
		res.Entries = append(res.Entries, &keelv1.HistoryEntry{Cycle: uint64(5 - c)})
	}
	res.NextPageToken = map[int]string{0: "p2", 2: "p3"}[start]
	return res, nil
}
