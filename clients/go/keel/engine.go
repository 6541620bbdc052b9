package keel

import (
	"context"

	keelv1 "github.com/keel-runtime/keel/clients/go/gen/keel/v1"
)

// Engine processes observations and reads what the engine knows about an agent.
type Engine struct {
	c   *Client
	rpc keelv1.EngineServiceClient
}

// Process folds one observation into the agent's state and returns the outcome. It is retried
// on UNAVAILABLE with the same request_id, so it is processed at most once.
func (e *Engine) Process(ctx context.Context, instanceID string, obs Observation, opts ...CallOption) (*Outcome, error) {
	req := &keelv1.ProcessRequest{InstanceId: instanceID, Observation: obs.Proto(), RequestId: requestID(opts)}
	var res *keelv1.ProcessResponse
	err := e.c.invoke(ctx, readOrIdempotent, func(ctx context.Context) (err error) {
		res, err = e.rpc.Process(ctx, req)
		return err
	})
	if err != nil {
		return nil, err
	}
	return outcomeFrom(res.GetOutcome()), nil
}

// ProcessBatch processes 1 to 64 observations in order, committed together (all or none), and
// returns every outcome in order.
func (e *Engine) ProcessBatch(ctx context.Context, instanceID string, obs []Observation, opts ...CallOption) ([]*Outcome, error) {
	req := &keelv1.ProcessBatchRequest{
		InstanceId:          instanceID,
		Observations:        mapItems(obs, Observation.Proto),
		IncludeIntermediate: true,
		RequestId:           requestID(opts),
	}
	var res *keelv1.ProcessBatchResponse
	err := e.c.invoke(ctx, readOrIdempotent, func(ctx context.Context) (err error) {
		res, err = e.rpc.ProcessBatch(ctx, req)
		return err
	})
	if err != nil {
		return nil, err
	}
	return mapItems(res.GetOutcomes(), outcomeFrom), nil
}

// State returns the agent's engine state, without processing.
func (e *Engine) State(ctx context.Context, instanceID string) (*State, error) {
	var res *keelv1.GetStateResponse
	err := e.c.invoke(ctx, readOrIdempotent, func(ctx context.Context) (err error) {
		res, err = e.rpc.GetState(ctx, &keelv1.GetStateRequest{InstanceId: instanceID})
		return err
	})
	if err != nil {
		return nil, err
	}
	s := res.GetState()
	return &State{
		CycleCount:  s.GetCycleCount(),
		Energy:      s.GetEnergy(),
		StressLevel: lookup(stressNames, int32(s.GetStressLevel())),
		SystemState: lookup(systemNames, int32(s.GetSystemState())),
		Revision:    res.GetRevision(),
		Raw:         s,
	}, nil
}

// Contract returns the contract for the agent's current state, without processing.
func (e *Engine) Contract(ctx context.Context, instanceID string) (*Contract, error) {
	var res *keelv1.GetContractResponse
	err := e.c.invoke(ctx, readOrIdempotent, func(ctx context.Context) (err error) {
		res, err = e.rpc.GetContract(ctx, &keelv1.GetContractRequest{InstanceId: instanceID})
		return err
	})
	if err != nil {
		return nil, err
	}
	return contractFrom(res.GetContract()), nil
}

// Reset restores the agent's engine state to target and returns the new contract.
func (e *Engine) Reset(ctx context.Context, instanceID string, target ResetTarget, opts ...CallOption) (*Contract, error) {
	req := &keelv1.ResetRequest{InstanceId: instanceID, Target: target, RequestId: requestID(opts)}
	var res *keelv1.ResetResponse
	err := e.c.invoke(ctx, readOrIdempotent, func(ctx context.Context) (err error) {
		res, err = e.rpc.Reset(ctx, req)
		return err
	})
	if err != nil {
		return nil, err
	}
	return contractFrom(res.GetContract()), nil
}

// History lists processed observations, newest first.
func (e *Engine) History(ctx context.Context, instanceID string, page *ListOptions) (*Page[*HistoryEntry], error) {
	var res *keelv1.ListHistoryResponse
	size, token := page.get()
	err := e.c.invoke(ctx, readOrIdempotent, func(ctx context.Context) (err error) {
		res, err = e.rpc.ListHistory(ctx, &keelv1.ListHistoryRequest{InstanceId: instanceID, PageSize: size, PageToken: token})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &Page[*HistoryEntry]{Items: mapItems(res.GetEntries(), historyEntryFrom), NextPageToken: res.GetNextPageToken()}, nil
}

// DriftEvents lists the agent's drift log (D1 and above), newest first.
func (e *Engine) DriftEvents(ctx context.Context, instanceID string, page *ListOptions) (*Page[*DriftEvent], error) {
	var res *keelv1.ListDriftEventsResponse
	size, token := page.get()
	err := e.c.invoke(ctx, readOrIdempotent, func(ctx context.Context) (err error) {
		res, err = e.rpc.ListDriftEvents(ctx, &keelv1.ListDriftEventsRequest{InstanceId: instanceID, PageSize: size, PageToken: token})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &Page[*DriftEvent]{Items: mapItems(res.GetEvents(), driftEventFrom), NextPageToken: res.GetNextPageToken()}, nil
}

// Snapshots lists the agent's stable snapshots, newest first.
func (e *Engine) Snapshots(ctx context.Context, instanceID string, page *ListOptions) (*Page[*keelv1.Snapshot], error) {
	var res *keelv1.ListSnapshotsResponse
	size, token := page.get()
	err := e.c.invoke(ctx, readOrIdempotent, func(ctx context.Context) (err error) {
		res, err = e.rpc.ListSnapshots(ctx, &keelv1.ListSnapshotsRequest{InstanceId: instanceID, PageSize: size, PageToken: token})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &Page[*keelv1.Snapshot]{Items: res.GetSnapshots(), NextPageToken: res.GetNextPageToken()}, nil
}

// HistoryOf binds an agent to History, for All.
func (e *Engine) HistoryOf(instanceID string) func(context.Context, *ListOptions) (*Page[*HistoryEntry], error) {
	return func(ctx context.Context, page *ListOptions) (*Page[*HistoryEntry], error) {
		return e.History(ctx, instanceID, page)
	}
}

// DriftEventsOf binds an agent to DriftEvents, for All.
func (e *Engine) DriftEventsOf(instanceID string) func(context.Context, *ListOptions) (*Page[*DriftEvent], error) {
	return func(ctx context.Context, page *ListOptions) (*Page[*DriftEvent], error) {
		return e.DriftEvents(ctx, instanceID, page)
	}
}

// SnapshotsOf binds an agent to Snapshots, for All.
func (e *Engine) SnapshotsOf(instanceID string) func(context.Context, *ListOptions) (*Page[*keelv1.Snapshot], error) {
	return func(ctx context.Context, page *ListOptions) (*Page[*keelv1.Snapshot], error) {
		return e.Snapshots(ctx, instanceID, page)
	}
}

func historyEntryFrom(p *keelv1.HistoryEntry) *HistoryEntry {
	return &HistoryEntry{
		Cycle:       p.GetCycle(),
		Revision:    p.GetRevision(),
		Mode:        ModeName(p.GetObservation().GetMode()),
		Strength:    p.GetObservation().GetSignalStrength(),
		ProcessTime: p.GetProcessTime().AsTime(),
		Raw:         p,
	}
}

// get reads a possibly nil ListOptions.
func (o *ListOptions) get() (uint32, string) {
	if o == nil {
		return 0, ""
	}
	return o.PageSize, o.PageToken
}
