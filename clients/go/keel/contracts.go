package keel

import (
	"context"

	keelv1 "github.com/keel-runtime/keel/clients/go/gen/keel/v1"
)

// Contracts manages declared behavioral contracts: versioned, optionally sealed, append-only per
// agent and enforced on every cycle (see docs/contracts.md). They are rich documents, so this
// service speaks the generated types.
type Contracts struct {
	c   *Client
	rpc keelv1.ContractServiceClient
}

// Put validates contract, seals it with the server's key when seal is true, and stores it as the
// agent's next version; it returns the contract as stored. Not retried on UNAVAILABLE, since a
// repeat would store another version.
func (s *Contracts) Put(ctx context.Context, contract *keelv1.BehavioralContract, seal bool) (*keelv1.BehavioralContract, error) {
	res, err := unary(ctx, s.c, unsafeWrite, s.rpc.PutContract, &keelv1.PutContractRequest{Contract: contract, Seal: seal})
	return res.GetContract(), err
}

// Active returns the agent's newest contract version.
func (s *Contracts) Active(ctx context.Context, agentID string) (*keelv1.BehavioralContract, error) {
	res, err := unary(ctx, s.c, readOrIdempotent, s.rpc.GetActiveContract, &keelv1.GetActiveContractRequest{AgentId: agentID})
	return res.GetContract(), err
}

// Version returns one stored version.
func (s *Contracts) Version(ctx context.Context, agentID string, version uint32) (*keelv1.BehavioralContract, error) {
	res, err := unary(ctx, s.c, readOrIdempotent, s.rpc.GetContractVersion, &keelv1.GetContractVersionRequest{AgentId: agentID, Version: version})
	return res.GetContract(), err
}

// History lists every version, oldest first.
func (s *Contracts) History(ctx context.Context, agentID string, page *ListOptions) (*Page[*keelv1.BehavioralContract], error) {
	size, token := page.get()
	res, err := unary(ctx, s.c, readOrIdempotent, s.rpc.ListContractHistory, &keelv1.ListContractHistoryRequest{AgentId: agentID, PageSize: size, PageToken: token})
	if err != nil {
		return nil, err
	}
	return &Page[*keelv1.BehavioralContract]{Items: res.GetContracts(), NextPageToken: res.GetNextPageToken()}, nil
}

// Diff lists the fields that differ between two versions, ordered by path.
func (s *Contracts) Diff(ctx context.Context, agentID string, from, to uint32) ([]*keelv1.FieldChange, error) {
	res, err := unary(ctx, s.c, readOrIdempotent, s.rpc.DiffContracts, &keelv1.DiffContractsRequest{AgentId: agentID, FromVersion: from, ToVersion: to})
	return res.GetChanges(), err
}

// Verify checks a contract's seal: the given contract, or (contract nil) the agent's stored
// version (0: the active one).
func (s *Contracts) Verify(ctx context.Context, contract *keelv1.BehavioralContract, agentID string, version uint32) (*keelv1.VerifyContractResponse, error) {
	return unary(ctx, s.c, readOrIdempotent, s.rpc.VerifyContract, &keelv1.VerifyContractRequest{Contract: contract, AgentId: agentID, Version: version})
}

// Generate builds a contract from an archetype prior, and stores (and seals) it when asked.
func (s *Contracts) Generate(ctx context.Context, req *keelv1.GenerateContractRequest) (*keelv1.GenerateContractResponse, error) {
	kind := readOrIdempotent
	if req.GetStore() {
		kind = unsafeWrite
	}
	return unary(ctx, s.c, kind, s.rpc.GenerateContract, req)
}

// SigningKeys lists the public keys the server verifies seals with.
func (s *Contracts) SigningKeys(ctx context.Context) ([]*keelv1.SigningKey, error) {
	res, err := unary(ctx, s.c, readOrIdempotent, s.rpc.ListSigningKeys, &keelv1.ListSigningKeysRequest{})
	return res.GetKeys(), err
}
