package keel

import (
	"math"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	keelv1 "github.com/keel-runtime/keel/clients/go/gen/keel/v1"
)

// Observation is what an agent just did. Mode and SignalStrength are required.
type Observation struct {
	// Mode the agent acted in.
	Mode Mode
	// SignalStrength is how strongly, in [0, 1].
	SignalStrength float64
	// Confidence is how sure the caller is of the classification, in [0, 1]; nil means 1.
	Confidence *float64
	// Action is the concrete action taken (e.g. "refund"), for declared behavioral contracts.
	Action string
	// Target is what the action was applied to (e.g. "orders/123").
	Target string
	// Outcome is how the action ended (e.g. "success").
	Outcome string
	// Context is free-form metadata kept in the history; it does not affect the engine.
	Context map[string]string
	// Time is when the agent acted; zero means when the server receives it.
	Time time.Time
}

// Observe is the common case: a mode and a strength.
func Observe(mode Mode, strength float64) Observation {
	return Observation{Mode: mode, SignalStrength: strength}
}

// Proto converts the observation to its wire form.
func (o Observation) Proto() *keelv1.Observation {
	p := &keelv1.Observation{Mode: o.Mode, SignalStrength: o.SignalStrength, Confidence: o.Confidence, Context: o.Context}
	if o.Action != "" {
		p.Action = proto.String(o.Action)
	}
	if o.Target != "" {
		p.Target = proto.String(o.Target)
	}
	if o.Outcome != "" {
		p.Outcome = proto.String(o.Outcome)
	}
	if !o.Time.IsZero() {
		p.Timestamp = timestamppb.New(o.Time)
	}
	return p
}

// check rejects an observation the server would refuse, before a session numbers it: on a
// session stream the server's refusal would end the stream for every observation in flight.
// Unary calls leave validation to the server. field names the observation in errors; it is
// called only then, so the common case builds no string.
func (o Observation) check(field func() string) error {
	if knownMode(o.Mode) && unit(o.SignalStrength) && (o.Confidence == nil || unit(*o.Confidence)) {
		return nil
	}
	name := field()
	var bad []FieldViolation
	if !knownMode(o.Mode) {
		bad = append(bad, FieldViolation{name + ".mode", "must be one of the seven modes"})
	}
	if !unit(o.SignalStrength) {
		bad = append(bad, FieldViolation{name + ".signal_strength", "must be within [0, 1]"})
	}
	if o.Confidence != nil && !unit(*o.Confidence) {
		bad = append(bad, FieldViolation{name + ".confidence", "must be within [0, 1]"})
	}
	return &Error{Code: codes.InvalidArgument, Message: bad[0].Field + ": " + bad[0].Description, FieldViolations: bad}
}

func knownMode(m Mode) bool {
	return m >= ModePerception && m <= ModeStressResponse
}

func unit(v float64) bool {
	return !math.IsNaN(v) && v >= 0 && v <= 1
}
