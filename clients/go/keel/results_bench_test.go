package keel

import (
	"testing"

	keelv1 "github.com/keel-runtime/keel/clients/go/gen/keel/v1"
)

// BenchmarkOutcomeFrom is the per-contract cost of the readable results a session delivers.
func BenchmarkOutcomeFrom(b *testing.B) {
	raw := &keelv1.CycleOutcome{
		Contract: &keelv1.ExecutionContract{
			AllowedActions:     []keelv1.Action{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
			ForbiddenActions:   []keelv1.Action{13, 14},
			CurrentStressLevel: keelv1.StressLevel_STRESS_LEVEL_HIGH,
			DominantModes:      []keelv1.Mode{keelv1.Mode_MODE_STRESS_RESPONSE},
			DriftLevel:         keelv1.DriftLevel_DRIFT_LEVEL_D0_NOISE,
		},
		Drift: &keelv1.DriftResult{Level: keelv1.DriftLevel_DRIFT_LEVEL_D0_NOISE},
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = outcomeFrom(raw)
	}
}
