// Keel's 5-minute tutorial over the Go gRPC client generated from proto/.
//
//	clients/go/generate.sh
//	cd examples/go && KEEL_ADDR=127.0.0.1:8080 go run .
//
// Creates an agent, processes one observation, streams five stress signals over a Session and
// reads the drift log. The API key in KEEL_API_KEY goes with every call, unary and stream, as
// gRPC metadata `authorization: Bearer <key>`.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	keelv1 "keel.local/clients/go/gen/keel/v1"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("keel: ")
	if err := run(); err != nil {
		log.Print(err)
		if status.Code(err) == codes.Unauthenticated {
			log.Print("the server refused KEEL_API_KEY: check the key is complete and not revoked")
		}
		os.Exit(1)
	}
}

const noKey = `KEEL_API_KEY is not set. Set it to an API key with the admin scope (the tutorial creates an agent):
the server's bootstrap key (KEEL_BOOTSTRAP_KEY, or the one it printed at first start), or one from
` + "`npx keel keys create --name tutorial --scope admin`."

func run() error {
	addr := os.Getenv("KEEL_ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	key := strings.TrimSpace(os.Getenv("KEEL_API_KEY"))
	if key == "" {
		return errors.New(noKey)
	}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	instances := keelv1.NewInstanceServiceClient(conn)
	engine := keelv1.NewEngineServiceClient(conn)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Every call below, the Session stream included, runs in this context and so carries the key.
	ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+key)

	// Step 3: create an agent identity.
	created, err := instances.CreateInstance(ctx, &keelv1.CreateInstanceRequest{Name: "Aria", Description: "Customer service bot"})
	if err != nil {
		return err
	}
	id := created.GetInstance().GetId()
	fmt.Printf("Created: %s\n", id)

	// Step 4: send an observation, get a contract.
	result, err := engine.Process(ctx, &keelv1.ProcessRequest{
		InstanceId:  id,
		Observation: &keelv1.Observation{Mode: keelv1.Mode_MODE_EXPLORATION, SignalStrength: 0.7},
	})
	if err != nil {
		return err
	}
	contract := result.GetOutcome().GetContract()
	fmt.Printf("Allowed:   %s\n", actions(contract.GetAllowedActions()))
	fmt.Printf("Forbidden: %s\n", actions(contract.GetForbiddenActions()))
	fmt.Printf("Stress:    %s\n", stress(contract.GetCurrentStressLevel()))
	fmt.Printf("Energy:    %.2f\n", contract.GetEnergyLevel())

	// Step 6: five stress signals over one Session stream.
	session, err := engine.Session(ctx)
	if err != nil {
		return err
	}
	open := &keelv1.SessionRequest{Frame: &keelv1.SessionRequest_Open{Open: &keelv1.SessionOpen{InstanceId: id}}}
	if err := session.Send(open); err != nil {
		return err
	}
	first, err := session.Recv()
	if err != nil {
		return err
	}
	opened := first.GetOpened()
	if opened == nil {
		return fmt.Errorf("expected an opened frame, got %v", first)
	}
	sequence := opened.GetLastSequence()
	for turn := 1; turn <= 5; turn++ {
		sequence++
		err := session.Send(&keelv1.SessionRequest{Frame: &keelv1.SessionRequest_Observation{Observation: &keelv1.SequencedObservation{
			Sequence:    sequence,
			Observation: &keelv1.Observation{Mode: keelv1.Mode_MODE_STRESS_RESPONSE, SignalStrength: 0.9},
		}}})
		if err != nil {
			return err
		}
		res, err := session.Recv()
		if err != nil {
			return err
		}
		outcome := res.GetOutcome()
		if outcome == nil || outcome.GetSequence() != sequence {
			return fmt.Errorf("expected the outcome of sequence %d, got %v", sequence, res)
		}
		c := outcome.GetOutcome().GetContract()
		fmt.Printf("Turn %d: stress=%s, energy=%.2f\n", turn, stress(c.GetCurrentStressLevel()), c.GetEnergyLevel())
	}
	if err := session.CloseSend(); err != nil {
		return err
	}
	for {
		if _, err := session.Recv(); err == io.EOF {
			break
		} else if err != nil {
			return err
		}
	}

	// Step 7: check drift.
	drift, err := engine.ListDriftEvents(ctx, &keelv1.ListDriftEventsRequest{InstanceId: id})
	if err != nil {
		return err
	}
	fmt.Printf("Drift events: %d\n", len(drift.GetEvents()))
	for _, e := range drift.GetEvents() {
		fmt.Printf("  %s: magnitude %.3f (cycle %d)\n", driftLevel(e.GetLevel()), e.GetMagnitude(), e.GetCycle())
	}
	return nil
}

// actions renders ACTION_EXPLORE as explore, comma-separated.
func actions(list []keelv1.Action) string {
	names := make([]string, len(list))
	for i, a := range list {
		names[i] = strings.ToLower(strings.TrimPrefix(a.String(), "ACTION_"))
	}
	return strings.Join(names, ", ")
}

// stress renders STRESS_LEVEL_HIGH as HIGH.
func stress(level keelv1.StressLevel) string {
	return strings.TrimPrefix(level.String(), "STRESS_LEVEL_")
}

// driftLevel renders DRIFT_LEVEL_D1_CONTEXT as D1_context.
func driftLevel(level keelv1.DriftLevel) string {
	name := strings.TrimPrefix(level.String(), "DRIFT_LEVEL_")
	head, tail, _ := strings.Cut(name, "_")
	return head + "_" + strings.ToLower(tail)
}
