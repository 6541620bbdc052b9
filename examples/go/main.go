// Keel's 5-minute tutorial over the Go SDK (clients/go):
//
//	export KEEL_API_KEY=<an admin key>   # KEEL_ADDR defaults to 127.0.0.1:8080
//	cd examples/go && go run .
//
// Creates an agent, processes one observation, streams five stress signals over a session and
// reads the drift log.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/keel-runtime/keel/clients/go/keel"
)

const noKey = `KEEL_API_KEY is not set. Set it to an API key with the admin scope (the tutorial creates an agent):
the server's bootstrap key (KEEL_BOOTSTRAP_KEY, or the one it printed at first start), or one from
` + "`npx keel keys create --name tutorial --scope admin`."

func main() {
	log.SetFlags(0)
	log.SetPrefix("keel: ")
	if strings.TrimSpace(os.Getenv("KEEL_API_KEY")) == "" {
		log.Fatal(noKey)
	}
	if err := run(); err != nil {
		var kerr *keel.Error
		if errors.As(err, &kerr) && kerr.Code == codes.Unauthenticated {
			log.Print("the server refused KEEL_API_KEY: check the key is complete and not revoked")
		}
		log.Fatal(err)
	}
}

func run() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// Connect: the target and the key come from KEEL_ADDR and KEEL_API_KEY.
	client, err := keel.Dial(ctx, "")
	if err != nil {
		return err
	}
	defer client.Close()

	// Step 3: create an agent identity.
	instance, err := client.Instances.Create(ctx, keel.InstanceSpec{Name: "Aria", Description: "Customer service bot"})
	if err != nil {
		return err
	}
	fmt.Printf("Created: %s\n", instance.ID)

	// Step 4: send an observation, get a contract.
	result, err := client.Engine.Process(ctx, instance.ID, keel.Observe(keel.ModeExploration, 0.7))
	if err != nil {
		return err
	}
	contract := result.Contract
	fmt.Printf("Allowed:   %s\n", strings.Join(contract.AllowedActions, ", "))
	fmt.Printf("Forbidden: %s\n", strings.Join(contract.ForbiddenActions, ", "))
	fmt.Printf("Stress:    %s\n", contract.CurrentStressLevel)
	fmt.Printf("Energy:    %.2f\n", contract.EnergyLevel)

	// Step 6: simulate pressure — five stress signals over one session.
	session, err := client.Session(ctx, instance.ID)
	if err != nil {
		return err
	}
	for turn := 1; turn <= 5; turn++ {
		result, err := session.Process(ctx, keel.Observe(keel.ModeStressResponse, 0.9))
		if err != nil {
			return err
		}
		c := result.Contract
		fmt.Printf("Turn %d: stress=%s, energy=%.2f\n", turn, c.CurrentStressLevel, c.EnergyLevel)
	}
	if err := session.Close(); err != nil {
		return err
	}

	// Step 7: check drift.
	drift, err := client.Engine.DriftEvents(ctx, instance.ID, nil)
	if err != nil {
		return err
	}
	fmt.Printf("Drift events: %d\n", len(drift.Items))
	for _, e := range drift.Items {
		fmt.Printf("  %s: magnitude %.3f (cycle %d)\n", e.Level, e.Magnitude, e.Cycle)
	}
	return nil
}
