package keel

import (
	"context"
	"iter"
	"slices"
	"time"

	keelv1 "github.com/keel-runtime/keel/clients/go/gen/keel/v1"
)

// Contract is an execution contract: the behavioral rules for an agent right now, with readable
// names. Raw holds every field of the wire message.
type Contract struct {
	InstanceID string
	// AllowedActions and ForbiddenActions name actions in lower case, e.g. "explore".
	AllowedActions   []string
	ForbiddenActions []string
	// CurrentStressLevel is "LOW", "MED", "HIGH" or "OVER".
	CurrentStressLevel string
	// CurrentSystemState is "BASELINE", "STRESS" or "GROWTH".
	CurrentSystemState string
	// EnergyLevel is the remaining operational reserve, in [0, 1].
	EnergyLevel float64
	// StabilityIndex is how consistent the behaviour has been, in [0, 1].
	StabilityIndex float64
	// DriftLevel is "D0_noise" to "D3_corrupt"; "" during the warm-up.
	DriftLevel string
	// DominantModes are mode names such as "EXPLORATION", in canonical order.
	DominantModes []string
	CycleCount    uint64
	Raw           *keelv1.ExecutionContract
}

// Allows reports whether the contract allows the action (named as in AllowedActions).
func (c *Contract) Allows(action string) bool {
	return slices.Contains(c.AllowedActions, action)
}

// Forbids reports whether the contract forbids the action.
func (c *Contract) Forbids(action string) bool {
	return slices.Contains(c.ForbiddenActions, action)
}

func contractFrom(p *keelv1.ExecutionContract) *Contract {
	if p == nil {
		return nil
	}
	return &Contract{
		InstanceID:         p.GetInstanceId(),
		AllowedActions:     actionList(p.GetAllowedActions()),
		ForbiddenActions:   actionList(p.GetForbiddenActions()),
		CurrentStressLevel: lookup(stressNames, int32(p.GetCurrentStressLevel())),
		CurrentSystemState: lookup(systemNames, int32(p.GetCurrentSystemState())),
		EnergyLevel:        p.GetEnergyLevel(),
		StabilityIndex:     p.GetStabilityIndex(),
		DriftLevel:         lookup(driftNames, int32(p.GetDriftLevel())),
		DominantModes:      modeList(p.GetDominantModes()),
		CycleCount:         p.GetCycleCount(),
		Raw:                p,
	}
}

// Outcome is what one processed observation produced.
type Outcome struct {
	Contract *Contract
	// DriftLevel is this cycle's drift classification ("" during warm-up); DriftMagnitude is
	// its magnitude (0 during warm-up).
	DriftLevel     string
	DriftMagnitude float64
	// DriftEvent is set when this cycle recorded a drift event (D1 or above).
	DriftEvent *DriftEvent
	// RolledBack is true when critical drift rolled the agent back to its last stable snapshot.
	RolledBack bool
	// Revision is the agent's commit revision after this cycle.
	Revision uint64
	// Sequence is the observation's session sequence number (0 outside sessions).
	Sequence uint64
	// Replayed is true when a session re-sent an observation the server had already processed
	// and this is the original outcome.
	Replayed bool
	Raw      *keelv1.CycleOutcome
}

func outcomeFrom(p *keelv1.CycleOutcome) *Outcome {
	return &Outcome{
		Contract:       contractFrom(p.GetContract()),
		DriftLevel:     lookup(driftNames, int32(p.GetDrift().GetLevel())),
		DriftMagnitude: p.GetDrift().GetMagnitude(),
		DriftEvent:     driftEventFrom(p.GetDriftEvent()),
		RolledBack:     p.GetRolledBack(),
		Revision:       p.GetRevision(),
		Raw:            p,
	}
}

// DriftEvent is an entry of an agent's drift log (D1 or above).
type DriftEvent struct {
	// Cycle is the engine cycle at which it was detected.
	Cycle uint64
	// Level is "D1_context", "D2_adaptive" or "D3_corrupt".
	Level     string
	Magnitude float64
	// AffectedModes are mode names such as "STRESS_RESPONSE".
	AffectedModes []string
	RolledBack    bool
	CreateTime    time.Time
	Raw           *keelv1.DriftEvent
}

func driftEventFrom(p *keelv1.DriftEvent) *DriftEvent {
	if p == nil {
		return nil
	}
	return &DriftEvent{
		Cycle:         p.GetCycle(),
		Level:         lookup(driftNames, int32(p.GetLevel())),
		Magnitude:     p.GetMagnitude(),
		AffectedModes: modeList(p.GetAffectedModes()),
		RolledBack:    p.GetRolledBack(),
		CreateTime:    p.GetCreateTime().AsTime(),
		Raw:           p,
	}
}

// Instance is an agent with a persistent behavioral identity.
type Instance struct {
	// ID is server-assigned: "inst_" and 16 hex digits.
	ID          string
	Name        string
	Description string
	Labels      map[string]string
	CreateTime  time.Time
	UpdateTime  time.Time
	Raw         *keelv1.Instance
}

func instanceFrom(p *keelv1.Instance) *Instance {
	return &Instance{
		ID:          p.GetId(),
		Name:        p.GetName(),
		Description: p.GetDescription(),
		Labels:      p.GetLabels(),
		CreateTime:  p.GetCreateTime().AsTime(),
		UpdateTime:  p.GetUpdateTime().AsTime(),
		Raw:         p,
	}
}

// State is an agent's engine state.
type State struct {
	CycleCount uint64
	Energy     float64
	// StressLevel is "LOW", "MED", "HIGH" or "OVER".
	StressLevel string
	// SystemState is "BASELINE", "STRESS" or "GROWTH".
	SystemState string
	// Revision is the agent's commit revision.
	Revision uint64
	Raw      *keelv1.EngineState
}

// HistoryEntry is one processed observation.
type HistoryEntry struct {
	// Cycle is the engine cycle count after it was processed.
	Cycle       uint64
	Revision    uint64
	Mode        string
	Strength    float64
	ProcessTime time.Time
	Raw         *keelv1.HistoryEntry
}

// Page is one page of a list; pass NextPageToken as ListOptions.PageToken for the next one.
type Page[T any] struct {
	Items []T
	// NextPageToken is empty on the last page.
	NextPageToken string
}

// ListOptions pages through a list. The zero value asks for the server's default page size.
type ListOptions struct {
	PageSize  uint32
	PageToken string
}

func mapItems[P any, T any](items []P, convert func(P) T) []T {
	out := make([]T, len(items))
	for i, item := range items {
		out[i] = convert(item)
	}
	return out
}

// All walks every page of a list, fetching the next page as the loop reaches it:
//
//	for inst, err := range keel.All(ctx, client.Instances.List) { ... }
//	for e, err := range keel.All(ctx, client.Engine.HistoryOf(id)) { ... }
//
// A failed page yields its error once and ends the loop.
func All[T any](ctx context.Context, list func(context.Context, *ListOptions) (*Page[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		opts := &ListOptions{}
		for {
			page, err := list(ctx, opts)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range page.Items {
				if !yield(item, nil) {
					return
				}
			}
			if page.NextPageToken == "" {
				return
			}
			opts = &ListOptions{PageToken: page.NextPageToken}
		}
	}
}
