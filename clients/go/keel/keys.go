package keel

import (
	"context"

	keelv1 "github.com/keel-runtime/keel/clients/go/gen/keel/v1"
)

// Keys manages API keys (admin scope), and tells a key who it is.
type Keys struct {
	c   *Client
	rpc keelv1.KeyServiceClient
}

// KeySpec describes a new key. Name and Scope are required.
type KeySpec struct {
	Name  string
	Scope KeyScope
	// Tenant is the caller's own when empty; another tenant needs an operator key.
	Tenant string
	// CyclesPerSecond and MaxSessions override the server's default quota when not 0.
	CyclesPerSecond uint32
	MaxSessions     uint32
}

// CreatedKey is a new key with its secret, which the server never shows again.
type CreatedKey struct {
	Key *keelv1.ApiKey
	// Secret is the whole key, to pass to WithAPIKey.
	Secret string
}

// Create creates a key. Not retried on UNAVAILABLE, since a repeat would create another key.
func (s *Keys) Create(ctx context.Context, spec KeySpec) (*CreatedKey, error) {
	res, err := unary(ctx, s.c, unsafeWrite, s.rpc.CreateKey, &keelv1.CreateKeyRequest{
		Name: spec.Name, Scope: spec.Scope, Tenant: spec.Tenant, CyclesPerSecond: spec.CyclesPerSecond, MaxSessions: spec.MaxSessions,
	})
	if err != nil {
		return nil, err
	}
	return &CreatedKey{Key: res.GetKey(), Secret: res.GetSecret()}, nil
}

// List lists a tenant's keys ("" for the caller's own), revoked ones included, oldest first.
func (s *Keys) List(ctx context.Context, tenant string, page *ListOptions) (*Page[*keelv1.ApiKey], error) {
	size, token := page.get()
	res, err := unary(ctx, s.c, readOrIdempotent, s.rpc.ListKeys, &keelv1.ListKeysRequest{Tenant: tenant, PageSize: size, PageToken: token})
	if err != nil {
		return nil, err
	}
	return &Page[*keelv1.ApiKey]{Items: res.GetKeys(), NextPageToken: res.GetNextPageToken()}, nil
}

// Revoke revokes a key of tenant ("" for the caller's own); revoking twice is harmless, so it is
// retried like a read.
func (s *Keys) Revoke(ctx context.Context, keyID, tenant string) (*keelv1.ApiKey, error) {
	res, err := unary(ctx, s.c, readOrIdempotent, s.rpc.RevokeKey, &keelv1.RevokeKeyRequest{KeyId: keyID, Tenant: tenant})
	return res.GetKey(), err
}

// WhoAmI tells the calling key its id, tenant and scope.
func (s *Keys) WhoAmI(ctx context.Context) (*keelv1.WhoAmIResponse, error) {
	return unary(ctx, s.c, readOrIdempotent, s.rpc.WhoAmI, &keelv1.WhoAmIRequest{})
}
