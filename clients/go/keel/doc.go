// Package keel is the Go SDK for Keel, the behavioral identity runtime for AI agents.
//
// Dial a server, create an agent, tell Keel what it did and read back its execution contract:
//
//	client, err := keel.Dial(ctx, "127.0.0.1:8080", keel.WithAPIKey(key))
//	if err != nil { ... }
//	defer client.Close()
//	inst, err := client.Instances.Create(ctx, keel.InstanceSpec{Name: "Aria", Description: "Customer service bot"})
//	out, err := client.Engine.Process(ctx, inst.ID, keel.Observe(keel.ModeExploration, 0.7))
//	fmt.Println(out.Contract.CurrentStressLevel, out.Contract.EnergyLevel, out.Contract.AllowedActions)
//
// A long conversation holds a [Session]: observations are numbered, pipelined, answered in order
// and processed exactly once, across dropped connections and quota refusals alike.
//
// Every failure from the server is a [*Error] carrying the gRPC code, the retry delay the server
// asked for and the fields it rejected; use [errors.As] to read it. The generated protobuf types
// live in package keelv1 (github.com/keel-runtime/keel/clients/go/gen/keel/v1); every readable
// result keeps its protobuf message in its Raw field.
package keel
