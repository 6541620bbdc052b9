package keel_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/keel-runtime/keel/clients/go/keel"
)

func Example() {
	ctx := context.Background()
	client, err := keel.Dial(ctx, "127.0.0.1:8080", keel.WithAPIKey("keel_..."))
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	inst, err := client.Instances.Create(ctx, keel.InstanceSpec{Name: "Aria", Description: "Customer service bot"})
	if err != nil {
		log.Fatal(err)
	}
	out, err := client.Engine.Process(ctx, inst.ID, keel.Observe(keel.ModeExploration, 0.7))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out.Contract.CurrentStressLevel, out.Contract.Allows("explore"))
}

func ExampleClient_Session() {
	ctx := context.Background()
	client, err := keel.Dial(ctx, "") // KEEL_ADDR and KEEL_API_KEY
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	s, err := client.Session(ctx, "inst_9f190826e20c49ea")
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	outs, err := s.ProcessMany(ctx, []keel.Observation{
		keel.Observe(keel.ModeOrder, 0.6),
		keel.Observe(keel.ModeStressResponse, 0.9),
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, o := range outs {
		fmt.Printf("%d: stress=%s energy=%.2f\n", o.Sequence, o.Contract.CurrentStressLevel, o.Contract.EnergyLevel)
	}
}

func ExampleError() {
	var client *keel.Client // from keel.Dial
	_, err := client.Engine.Process(context.Background(), "inst_9f190826e20c49ea", keel.Observe(keel.ModeExploration, 1.5))
	var kerr *keel.Error
	if errors.As(err, &kerr) {
		fmt.Println(kerr.CodeName()) // INVALID_ARGUMENT
		for _, v := range kerr.FieldViolations {
			fmt.Println(v.Field, v.Description) // observation.signal_strength ...
		}
	}
}
