// Command bench measures what the Go SDK costs on top of the bare generated grpc-go stub, against
// a running Keel server (KEEL_ADDR, KEEL_API_KEY; clients/go/bench/run.sh starts one):
//
//   - throughput: N observations through one session in batch frames, all in flight
//     (Session.ProcessMany vs a bare stream with a sender goroutine), in contracts/s;
//   - lock-step latency: one observation at a time through a session (Session.Process vs bare
//     Send/Recv), p50 and p99.
//
// Each round runs SDK and bare back to back on fresh agents; the summary is the median over rounds
// with the min–max spread, since the machine is shared and noisy.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"slices"
	"time"

	"google.golang.org/grpc/metadata"

	keelv1 "github.com/keel-runtime/keel/clients/go/gen/keel/v1"
	"github.com/keel-runtime/keel/clients/go/keel"
)

func main() {
	rounds := flag.Int("rounds", 5, "rounds; the summary is their median and spread")
	batchN := flag.Int("observations", 20000, "observations per throughput run")
	batchSize := flag.Int("batch", keel.MaxBatch, "observations per batch frame")
	stepN := flag.Int("steps", 2000, "observations per lock-step run")
	flag.Parse()
	log.SetFlags(0)

	ctx := context.Background()
	client, err := keel.Dial(ctx, "")
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	b := &bench{client: client, stub: keelv1.NewEngineServiceClient(client.Conn()), batchSize: *batchSize}
	// Warm up both paths (connection, JIT of the server's handlers).
	b.sdkThroughput(ctx, 2000)
	b.bareThroughput(ctx, 2000)
	b.sdkLockStep(ctx, 200)
	b.bareLockStep(ctx, 200)

	var sdkTput, bareTput, sdkP50, bareP50, sdkP99, bareP99 []float64
	for r := 1; r <= *rounds; r++ {
		st, bt := b.sdkThroughput(ctx, *batchN), b.bareThroughput(ctx, *batchN)
		sl, bl := b.sdkLockStep(ctx, *stepN), b.bareLockStep(ctx, *stepN)
		sdkTput, bareTput = append(sdkTput, st), append(bareTput, bt)
		sdkP50, bareP50 = append(sdkP50, ms(percentile(sl, 50))), append(bareP50, ms(percentile(bl, 50)))
		sdkP99, bareP99 = append(sdkP99, ms(percentile(sl, 99))), append(bareP99, ms(percentile(bl, 99)))
		fmt.Printf("round %d: throughput sdk %.0f bare %.0f contracts/s; lock-step p50 sdk %.3f bare %.3f ms\n",
			r, st, bt, sdkP50[r-1], bareP50[r-1])
	}
	fmt.Printf("\nGo SDK vs bare grpc-go stub, %d rounds (median, min–max):\n", *rounds)
	fmt.Printf("session throughput, %d observations in frames of %d:\n", *batchN, *batchSize)
	fmt.Printf("  sdk  %s contracts/s\n  bare %s contracts/s\n", spread(sdkTput, "%.0f"), spread(bareTput, "%.0f"))
	fmt.Printf("lock-step session latency, %d observations:\n", *stepN)
	fmt.Printf("  sdk  p50 %s ms, p99 %s ms\n", spread(sdkP50, "%.3f"), spread(sdkP99, "%.3f"))
	fmt.Printf("  bare p50 %s ms, p99 %s ms\n", spread(bareP50, "%.3f"), spread(bareP99, "%.3f"))
	fmt.Printf("  p50 overhead (median of sdk - median of bare): %.3f ms\n", median(sdkP50)-median(bareP50))
}

type bench struct {
	client    *keel.Client
	stub      keelv1.EngineServiceClient
	batchSize int
}

func (b *bench) agent(ctx context.Context) string {
	inst, err := b.client.Instances.Create(ctx, keel.InstanceSpec{Name: "bench"})
	if err != nil {
		log.Fatal(err)
	}
	return inst.ID
}

func observations(n int) []keel.Observation {
	out := make([]keel.Observation, n)
	for i := range out {
		out[i] = keel.Observe(keel.Mode(1+(i*5)%7), 0.05+float64((i*37)%91)/100)
	}
	return out
}

func (b *bench) sdkThroughput(ctx context.Context, n int) float64 {
	s, err := b.client.Session(ctx, b.agent(ctx), keel.WithBatchSize(b.batchSize))
	if err != nil {
		log.Fatal(err)
	}
	obs := observations(n)
	start := time.Now()
	if _, err := s.ProcessMany(ctx, obs); err != nil {
		log.Fatal(err)
	}
	elapsed := time.Since(start)
	if err := s.Close(); err != nil {
		log.Fatal(err)
	}
	return float64(n) / elapsed.Seconds()
}

func (b *bench) sdkLockStep(ctx context.Context, n int) []time.Duration {
	s, err := b.client.Session(ctx, b.agent(ctx))
	if err != nil {
		log.Fatal(err)
	}
	lat := make([]time.Duration, n)
	for i, o := range observations(n) {
		start := time.Now()
		if _, err := s.Process(ctx, o); err != nil {
			log.Fatal(err)
		}
		lat[i] = time.Since(start)
	}
	if err := s.Close(); err != nil {
		log.Fatal(err)
	}
	return lat
}

// bareSession opens a stream through the generated stub only; the key goes as metadata.
func (b *bench) bareSession(ctx context.Context) keelv1.EngineService_SessionClient {
	ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+os.Getenv("KEEL_API_KEY"))
	st, err := b.stub.Session(ctx)
	if err != nil {
		log.Fatal(err)
	}
	open := &keelv1.SessionRequest{Frame: &keelv1.SessionRequest_Open{Open: &keelv1.SessionOpen{InstanceId: b.agent(ctx)}}}
	if err := st.Send(open); err != nil {
		log.Fatal(err)
	}
	if _, err := st.Recv(); err != nil {
		log.Fatal(err)
	}
	return st
}

func (b *bench) bareThroughput(ctx context.Context, n int) float64 {
	st := b.bareSession(ctx)
	obs := observations(n)
	start := time.Now()
	frames := 0
	go func() {
		for first := 0; first < n; first += b.batchSize {
			chunk := obs[first:min(first+b.batchSize, n)]
			items := make([]*keelv1.SequencedObservation, len(chunk))
			for i, o := range chunk {
				items[i] = &keelv1.SequencedObservation{Sequence: uint64(first + i + 1), Observation: o.Proto()}
			}
			if err := st.Send(&keelv1.SessionRequest{Frame: &keelv1.SessionRequest_Batch{Batch: &keelv1.ObservationBatch{Observations: items}}}); err != nil {
				log.Fatal(err)
			}
		}
	}()
	for got := 0; got < n; frames++ {
		res, err := st.Recv()
		if err != nil {
			log.Fatal(err)
		}
		got += len(res.GetBatch().GetOutcomes())
	}
	elapsed := time.Since(start)
	_ = st.CloseSend()
	return float64(n) / elapsed.Seconds()
}

func (b *bench) bareLockStep(ctx context.Context, n int) []time.Duration {
	st := b.bareSession(ctx)
	lat := make([]time.Duration, n)
	for i, o := range observations(n) {
		start := time.Now()
		req := &keelv1.SessionRequest{Frame: &keelv1.SessionRequest_Observation{Observation: &keelv1.SequencedObservation{Sequence: uint64(i + 1), Observation: o.Proto()}}}
		if err := st.Send(req); err != nil {
			log.Fatal(err)
		}
		if _, err := st.Recv(); err != nil {
			log.Fatal(err)
		}
		lat[i] = time.Since(start)
	}
	_ = st.CloseSend()
	return lat
}

func percentile(d []time.Duration, p int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func spread(v []float64, format string) string {
	return fmt.Sprintf(format+" ("+format+"–"+format+")", median(v), slices.Min(v), slices.Max(v))
}
