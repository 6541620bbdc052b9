package keel

import (
	"strings"

	keelv1 "github.com/keel-runtime/keel/clients/go/gen/keel/v1"
)

// Mode is one of the seven behavioral modes an agent acts in.
type Mode = keelv1.Mode

// The seven modes.
const (
	ModePerception     = keelv1.Mode_MODE_PERCEPTION
	ModeExploration    = keelv1.Mode_MODE_EXPLORATION
	ModeOrder          = keelv1.Mode_MODE_ORDER
	ModeAssertion      = keelv1.Mode_MODE_ASSERTION
	ModeConnection     = keelv1.Mode_MODE_CONNECTION
	ModeIdentity       = keelv1.Mode_MODE_IDENTITY
	ModeStressResponse = keelv1.Mode_MODE_STRESS_RESPONSE
)

// ResetTarget is what Engine.Reset restores.
type ResetTarget = keelv1.ResetTarget

// Reset targets.
const (
	// ResetInitial restores the state the agent was created with.
	ResetInitial = keelv1.ResetTarget_RESET_TARGET_INITIAL
	// ResetLastSnapshot restores the most recent stable snapshot.
	ResetLastSnapshot = keelv1.ResetTarget_RESET_TARGET_LAST_SNAPSHOT
)

// KeyScope is what an API key may do; scopes nest (admin ⊃ engine ⊃ read).
type KeyScope = keelv1.KeyScope

// Key scopes.
const (
	ScopeRead   = keelv1.KeyScope_KEY_SCOPE_READ
	ScopeEngine = keelv1.KeyScope_KEY_SCOPE_ENGINE
	ScopeAdmin  = keelv1.KeyScope_KEY_SCOPE_ADMIN
)

// Readable names are computed once per enum value: results are built for every outcome, and a
// session delivers tens of thousands per second.
var (
	actionNames = enumNames(keelv1.Action_name, "ACTION_", strings.ToLower)
	stressNames = enumNames(keelv1.StressLevel_name, "STRESS_LEVEL_", nil)
	systemNames = enumNames(keelv1.SystemState_name, "SYSTEM_STATE_", nil)
	modeNames   = enumNames(keelv1.Mode_name, "MODE_", nil)
	driftNames  = enumNames(keelv1.DriftLevel_name, "DRIFT_LEVEL_", driftCase)
)

// enumNames lists, indexed by value, each name of a generated enum without its prefix,
// optionally re-cased; UNSPECIFIED becomes "".
func enumNames(names map[int32]string, prefix string, recase func(string) string) []string {
	size := int32(0)
	for v := range names {
		size = max(size, v+1)
	}
	out := make([]string, size)
	for v, name := range names {
		short := strings.TrimPrefix(name, prefix)
		if recase != nil {
			short = recase(short)
		}
		if v != 0 {
			out[v] = short
		}
	}
	return out
}

// driftCase renders D1_CONTEXT as D1_context, the way Keel's docs name drift levels.
func driftCase(name string) string {
	head, tail, _ := strings.Cut(name, "_")
	return head + "_" + strings.ToLower(tail)
}

// ActionName renders keelv1.Action_ACTION_EXPLORE as "explore".
func ActionName(a keelv1.Action) string { return lookup(actionNames, int32(a)) }

// ModeName renders ModeStressResponse as "STRESS_RESPONSE".
func ModeName(m Mode) string { return lookup(modeNames, int32(m)) }

// lookup names a value; a value newer than this SDK reads "UNKNOWN".
func lookup(names []string, v int32) string {
	if v >= 0 && int(v) < len(names) {
		return names[v]
	}
	return "UNKNOWN"
}

func actionList(actions []keelv1.Action) []string {
	out := make([]string, len(actions))
	for i, a := range actions {
		out[i] = ActionName(a)
	}
	return out
}

func modeList(modes []keelv1.Mode) []string {
	out := make([]string, len(modes))
	for i, m := range modes {
		out[i] = ModeName(m)
	}
	return out
}
