// Command bench measures what the Go SDK costs on top of the bare generated grpc-go stub, against
// a running Keel server (KEEL_ADDR, KEEL_API_KEY; clients/go/bench/run.sh starts one):
//
//   - throughput: N observations through one session in batch frames, pipelined
//     (Session.ProcessMany vs a bare stream with a sender goroutine), all in flight, in
//     contracts/s;
//   - lock-step latency: one observation at a time through a session (Session.Process vs bare
//     Send/Recv), p50 and p99; and unary Process (Engine.Process vs the bare stub), p50. SDK and
//     bare calls alternate, so both see the same load.
//
// Each round runs SDK and bare back to back on fresh agents; the summary is the median over rounds
// with the min–max spread, since the machine is shared and noisy. With KEEL_SERVER_PID (run.sh
// sets it) it also reports the server's CPU per contract: client and server share the machine's
// cores, so the server's cost caps what any client reaches. It prints the figures `npm run
// bench:report` reads (BENCH-FIGURE lines, bench/report/registry.ts); BENCH_SMOKE=1 makes every
// size tiny (CI: every figure must print, the numbers mean nothing).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"google.golang.org/grpc/metadata"

	keelv1 "github.com/keel-runtime/keel/clients/go/gen/keel/v1"
	"github.com/keel-runtime/keel/clients/go/keel"
)

func main() {
	smoke := os.Getenv("BENCH_SMOKE") == "1"
	pick := func(full, small int) int {
		if smoke {
			return small
		}
		return full
	}
	rounds := flag.Int("rounds", pick(5, 1), "rounds; the summary is their median and spread")
	batchN := flag.Int("observations", pick(20000, 640), "observations per throughput run")
	batchSize := flag.Int("batch", keel.MaxBatch, "observations per batch frame")
	stepN := flag.Int("steps", pick(2000, 50), "observations per lock-step run")
	inFlight := flag.Int("in-flight", 0, "the SDK session's WithMaxInFlight (0: unbounded)")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the SDK throughput runs to this file")
	flag.Parse()
	log.SetFlags(0)

	ctx := context.Background()
	client, err := keel.Dial(ctx, "")
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	serverPID, _ := strconv.Atoi(os.Getenv("KEEL_SERVER_PID"))
	b := &bench{client: client, stub: keelv1.NewEngineServiceClient(client.Conn()), batchSize: *batchSize, inFlight: *inFlight, serverPID: serverPID}
	// Warm up both paths (connection, JIT of the server's handlers).
	b.sdkThroughput(ctx, pick(2000, 200))
	b.bareThroughput(ctx, pick(2000, 200))
	b.lockStep(ctx, pick(200, 20))
	b.unary(ctx, pick(100, 10))

	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			log.Fatal(err)
		}
		_ = pprof.StartCPUProfile(f)
		for range *rounds {
			b.sdkThroughput(ctx, *batchN)
		}
		pprof.StopCPUProfile()
		_ = f.Close()
		return
	}

	var sdkTput, bareTput, sdkCPU, bareCPU, serverCPU, sdkP50, bareP50, sdkP99, bareP99, sdkU50, bareU50 []float64
	for r := 1; r <= *rounds; r++ {
		// Alternate which goes first, so a drifting load favours neither.
		var st, bt float64
		for k := range 2 {
			if (k+r)%2 == 0 {
				st = b.sdkThroughput(ctx, *batchN)
				sdkCPU = append(sdkCPU, b.cpuPerContract)
			} else {
				bt = b.bareThroughput(ctx, *batchN)
				bareCPU = append(bareCPU, b.cpuPerContract)
			}
			serverCPU = append(serverCPU, b.serverCPUPerContract)
		}
		sl, bl := b.lockStep(ctx, *stepN)
		sdkTput, bareTput = append(sdkTput, st), append(bareTput, bt)
		sdkP50, bareP50 = append(sdkP50, ms(percentile(sl, 50))), append(bareP50, ms(percentile(bl, 50)))
		sdkP99, bareP99 = append(sdkP99, ms(percentile(sl, 99))), append(bareP99, ms(percentile(bl, 99)))
		su, bu := b.unary(ctx, *stepN/2)
		sdkU50, bareU50 = append(sdkU50, ms(percentile(su, 50))), append(bareU50, ms(percentile(bu, 50)))
		fmt.Printf("round %d: throughput sdk %.0f bare %.0f contracts/s; lock-step p50 sdk %.3f bare %.3f ms\n",
			r, st, bt, sdkP50[r-1], bareP50[r-1])
	}
	fmt.Printf("\nGo SDK vs bare grpc-go stub, %d rounds (median, min–max):\n", *rounds)
	fmt.Printf("session throughput, %d observations in frames of %d:\n", *batchN, *batchSize)
	fmt.Printf("  sdk  %s contracts/s, client CPU %s µs per contract\n", spread(sdkTput, "%.0f"), spread(sdkCPU, "%.2f"))
	fmt.Printf("  bare %s contracts/s, client CPU %s µs per contract\n", spread(bareTput, "%.0f"), spread(bareCPU, "%.2f"))
	fmt.Printf("lock-step session latency, %d observations:\n", *stepN)
	fmt.Printf("  sdk  p50 %s ms, p99 %s ms\n", spread(sdkP50, "%.3f"), spread(sdkP99, "%.3f"))
	fmt.Printf("  bare p50 %s ms, p99 %s ms\n", spread(bareP50, "%.3f"), spread(bareP99, "%.3f"))
	fmt.Printf("  p50 overhead (sdk - bare, per round): %s ms\n", spread(diff(sdkP50, bareP50), "%.3f"))
	fmt.Printf("lock-step unary Process latency, %d calls:\n", *stepN/2)
	fmt.Printf("  sdk  p50 %s ms\n  bare p50 %s ms\n", spread(sdkU50, "%.3f"), spread(bareU50, "%.3f"))
	fmt.Printf("  p50 overhead (sdk - bare, per round): %s ms\n", spread(diff(sdkU50, bareU50), "%.3f"))
	if b.serverPID > 0 {
		fmt.Printf("server CPU per contract (both throughput runs): %s µs\n", spread(serverCPU, "%.2f"))
	}

	emit("batched_contracts_per_second", median(sdkTput))
	emit("bare_batched_contracts_per_second", median(bareTput))
	emit("client_cpu_us_per_contract", median(sdkCPU))
	emit("bare_client_cpu_us_per_contract", median(bareCPU))
	if b.serverPID > 0 {
		emit("server_cpu_us_per_contract", median(serverCPU))
	}
	emit("lockstep_p50_ms", median(sdkP50))
	emit("bare_lockstep_p50_ms", median(bareP50))
	emit("lockstep_added_ms", median(diff(sdkP50, bareP50)))
	emit("unary_added_ms", median(diff(sdkU50, bareU50)))
}

// emit prints one figure for npm run bench:report (bench/report/emit.ts has the format).
func emit(id string, value float64) {
	line, _ := json.Marshal(map[string]any{"id": "go_sdk." + id, "value": value})
	fmt.Printf("BENCH-FIGURE %s\n", line)
}

type bench struct {
	client    *keel.Client
	stub      keelv1.EngineServiceClient
	batchSize int
	inFlight  int
	// cpuPerContract is the client's CPU per contract in the last throughput run, in µs.
	cpuPerContract float64
	// serverPID is the server's process (0: unknown); serverCPUPerContract its CPU per contract
	// in the last throughput run, in µs.
	serverPID            int
	serverCPUPerContract float64
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

// cpuTime is the CPU this process has used (user + system): the client's own cost, which on a
// shared machine is steadier than wall-clock numbers.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// treeCPU is the CPU (user + system) of process root and its live descendants, from /proc: the
// server runs under tsx, which starts node as a child. 0 when root is 0.
func treeCPU(root int) time.Duration {
	if root <= 0 {
		return 0
	}
	const tick = 100 // USER_HZ: /proc/<pid>/stat counts in 1/100 s on Linux
	parent := map[int]int{}
	ticks := map[int]int64{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, path := range stats {
		raw, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		text := string(raw)
		fields := strings.Fields(text[strings.LastIndexByte(text, ')')+1:])
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(path)))
		parent[pid], _ = strconv.Atoi(fields[1])
		utime, _ := strconv.ParseInt(fields[11], 10, 64)
		stime, _ := strconv.ParseInt(fields[12], 10, 64)
		ticks[pid] = utime + stime
	}
	var total int64
	for pid, t := range ticks {
		p := pid
		for p != root && parent[p] > 0 {
			p = parent[p]
		}
		if p == root {
			total += t
		}
	}
	return time.Duration(total) * time.Second / tick
}

func (b *bench) sdkThroughput(ctx context.Context, n int) float64 {
	s, err := b.client.Session(ctx, b.agent(ctx), keel.WithBatchSize(b.batchSize), keel.WithMaxInFlight(b.inFlight))
	if err != nil {
		log.Fatal(err)
	}
	obs := observations(n)
	// The /proc scan first, so that neither the clock nor the client's CPU counts it.
	server := treeCPU(b.serverPID)
	start, cpu := time.Now(), cpuTime()
	if _, err := s.ProcessMany(ctx, obs); err != nil {
		log.Fatal(err)
	}
	elapsed := time.Since(start)
	b.cpuPerContract = float64((cpuTime() - cpu).Nanoseconds()) / float64(n) / 1000
	b.serverCPUPerContract = float64((treeCPU(b.serverPID) - server).Nanoseconds()) / float64(n) / 1000
	if err := s.Close(); err != nil {
		log.Fatal(err)
	}
	return float64(n) / elapsed.Seconds()
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
	// The /proc scan first, so that neither the clock nor the client's CPU counts it.
	server := treeCPU(b.serverPID)
	start, cpu := time.Now(), cpuTime()
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
	b.cpuPerContract = float64((cpuTime() - cpu).Nanoseconds()) / float64(n) / 1000
	b.serverCPUPerContract = float64((treeCPU(b.serverPID) - server).Nanoseconds()) / float64(n) / 1000
	_ = st.CloseSend()
	return float64(n) / elapsed.Seconds()
}

// lockStep sends n observations one at a time through an SDK session and a bare stream,
// alternating between them, so both see the same load on the shared machine.
func (b *bench) lockStep(ctx context.Context, n int) (sdk, bare []time.Duration) {
	s, err := b.client.Session(ctx, b.agent(ctx))
	if err != nil {
		log.Fatal(err)
	}
	st := b.bareSession(ctx)
	sdk, bare = make([]time.Duration, n), make([]time.Duration, n)
	for i, o := range observations(n) {
		sdkCall := func() {
			start := time.Now()
			if _, err := s.Process(ctx, o); err != nil {
				log.Fatal(err)
			}
			sdk[i] = time.Since(start)
		}
		bareCall := func() {
			req := &keelv1.SessionRequest{Frame: &keelv1.SessionRequest_Observation{Observation: &keelv1.SequencedObservation{Sequence: uint64(i + 1), Observation: o.Proto()}}}
			start := time.Now()
			if err := st.Send(req); err != nil {
				log.Fatal(err)
			}
			if _, err := st.Recv(); err != nil {
				log.Fatal(err)
			}
			bare[i] = time.Since(start)
		}
		alternate(i, sdkCall, bareCall)
	}
	if err := s.Close(); err != nil {
		log.Fatal(err)
	}
	_ = st.CloseSend()
	return sdk, bare
}

// unary calls Process n times through the SDK and the bare stub, alternating.
func (b *bench) unary(ctx context.Context, n int) (sdk, bare []time.Duration) {
	sdkID, bareID := b.agent(ctx), b.agent(ctx)
	md := metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+os.Getenv("KEEL_API_KEY"))
	sdk, bare = make([]time.Duration, n), make([]time.Duration, n)
	for i, o := range observations(n) {
		sdkCall := func() {
			start := time.Now()
			if _, err := b.client.Engine.Process(ctx, sdkID, o); err != nil {
				log.Fatal(err)
			}
			sdk[i] = time.Since(start)
		}
		bareCall := func() {
			// With a request_id as well, as the SDK sends one: the server's idempotency check
			// then costs both the same, and the difference is the client's.
			req := &keelv1.ProcessRequest{InstanceId: bareID, Observation: o.Proto(), RequestId: fmt.Sprintf("bare-%s-%d", bareID, i)}
			start := time.Now()
			if _, err := b.stub.Process(md, req); err != nil {
				log.Fatal(err)
			}
			bare[i] = time.Since(start)
		}
		alternate(i, sdkCall, bareCall)
	}
	return sdk, bare
}

// alternate runs both calls, taking turns at going first, so neither always follows the other.
func alternate(i int, a, b func()) {
	if i%2 == 0 {
		a()
		b()
	} else {
		b()
		a()
	}
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

func diff(a, b []float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] - b[i]
	}
	return out
}

func spread(v []float64, format string) string {
	return fmt.Sprintf(format+" ("+format+"–"+format+")", median(v), slices.Min(v), slices.Max(v))
}
