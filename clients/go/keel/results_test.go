package keel

import (
	"context"
	"errors"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestAllWalksEveryPage(t *testing.T) {
	f := newFakeEngine()
	c := f.serve(t)
	var cycles []uint64
	for e, err := range All(context.Background(), c.Engine.HistoryOf("inst_0000000000000001")) {
		if err != nil {
			t.Fatal(err)
		}
		cycles = append(cycles, e.Cycle)
	}
	if len(cycles) != 5 || cycles[0] != 5 || cycles[4] != 1 {
		t.Fatalf("cycles %v, want 5 down to 1 over three pages", cycles)
	}
}

func TestAllStopsAtAFailedPage(t *testing.T) {
	f := newFakeEngine()
	f.listFault = status.Error(codes.PermissionDenied, "no")
	c := f.serve(t)
	seen := 0
	var last error
	for _, err := range All(context.Background(), c.Engine.HistoryOf("inst_0000000000000001")) {
		if err != nil {
			last = err
			continue
		}
		seen++
	}
	var kerr *Error
	if seen != 4 || !errors.As(last, &kerr) || kerr.Code != codes.PermissionDenied {
		t.Fatalf("saw %d entries then %v; want 4 and PERMISSION_DENIED", seen, last)
	}
}
