package keel

import (
	"testing"

	"google.golang.org/grpc/codes"

	keelv1 "github.com/keel-runtime/keel/clients/go/gen/keel/v1"
)

func TestReadableNames(t *testing.T) {
	c := contractFrom(&keelv1.ExecutionContract{
		AllowedActions:     []keelv1.Action{keelv1.Action_ACTION_EXPLORE, keelv1.Action_ACTION_QUESTION},
		ForbiddenActions:   []keelv1.Action{keelv1.Action_ACTION_EMOTIONAL_MANIPULATION},
		CurrentStressLevel: keelv1.StressLevel_STRESS_LEVEL_HIGH,
		DriftLevel:         keelv1.DriftLevel_DRIFT_LEVEL_D1_CONTEXT,
		DominantModes:      []keelv1.Mode{keelv1.Mode_MODE_STRESS_RESPONSE},
	})
	if c.AllowedActions[0] != "explore" || !c.Allows("question") || !c.Forbids("emotional_manipulation") || c.Allows("pivot") {
		t.Fatalf("actions: %v / %v", c.AllowedActions, c.ForbiddenActions)
	}
	if c.CurrentStressLevel != "HIGH" || c.DriftLevel != "D1_context" || c.DominantModes[0] != "STRESS_RESPONSE" {
		t.Fatalf("levels: %q %q %v", c.CurrentStressLevel, c.DriftLevel, c.DominantModes)
	}
	if c.CurrentSystemState != "" {
		t.Fatalf("an unset state reads %q, want empty", c.CurrentSystemState)
	}
}

func TestCodeNamesAreCanonical(t *testing.T) {
	for code, want := range map[codes.Code]string{
		codes.OK: "OK", codes.Canceled: "CANCELLED", codes.InvalidArgument: "INVALID_ARGUMENT",
		codes.ResourceExhausted: "RESOURCE_EXHAUSTED", codes.Unauthenticated: "UNAUTHENTICATED", codes.Code(99): "CODE(99)",
	} {
		if got := codeName(code); got != want {
			t.Errorf("codeName(%v) = %q, want %q", code, got, want)
		}
	}
}
