package keel

import (
	"context"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	keelv1 "github.com/keel-runtime/keel/clients/go/gen/keel/v1"
)

// Instances creates, reads, changes and deletes agents.
type Instances struct {
	c   *Client
	rpc keelv1.InstanceServiceClient
}

// InstanceSpec describes a new agent. Name is required; Profile and PersonaID are mutually
// exclusive, and the default profile applies when both are empty.
type InstanceSpec struct {
	Name        string
	Description string
	// PersonaID names a built-in persona, e.g. "persona_explorer".
	PersonaID string
	Profile   *keelv1.IdentityProfile
	Labels    map[string]string
}

// Create creates an agent with its initial engine state. It is retried on UNAVAILABLE with the
// same request_id, so at most one agent is created.
func (s *Instances) Create(ctx context.Context, spec InstanceSpec, opts ...CallOption) (*Instance, error) {
	req := &keelv1.CreateInstanceRequest{
		Name:        spec.Name,
		Description: spec.Description,
		PersonaId:   spec.PersonaID,
		Profile:     spec.Profile,
		Labels:      spec.Labels,
		RequestId:   requestID(opts),
	}
	var res *keelv1.CreateInstanceResponse
	err := s.c.invoke(ctx, readOrIdempotent, func(ctx context.Context) (err error) {
		res, err = s.rpc.CreateInstance(ctx, req)
		return err
	})
	if err != nil {
		return nil, err
	}
	return instanceFrom(res.GetInstance()), nil
}

// Get returns one agent.
func (s *Instances) Get(ctx context.Context, instanceID string) (*Instance, error) {
	var res *keelv1.GetInstanceResponse
	err := s.c.invoke(ctx, readOrIdempotent, func(ctx context.Context) (err error) {
		res, err = s.rpc.GetInstance(ctx, &keelv1.GetInstanceRequest{InstanceId: instanceID})
		return err
	})
	if err != nil {
		return nil, err
	}
	return instanceFrom(res.GetInstance()), nil
}

// List lists agents, oldest first.
func (s *Instances) List(ctx context.Context, page *ListOptions) (*Page[*Instance], error) {
	var res *keelv1.ListInstancesResponse
	size, token := page.get()
	err := s.c.invoke(ctx, readOrIdempotent, func(ctx context.Context) (err error) {
		res, err = s.rpc.ListInstances(ctx, &keelv1.ListInstancesRequest{PageSize: size, PageToken: token})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &Page[*Instance]{Items: mapItems(res.GetInstances(), instanceFrom), NextPageToken: res.GetNextPageToken()}, nil
}

// InstanceUpdate names what to change; nil fields stay as they are. A non-nil empty Labels
// removes every label.
type InstanceUpdate struct {
	Name        *string
	Description *string
	Labels      map[string]string
}

// Update changes an agent's name, description or labels (the profile is fixed at creation).
func (s *Instances) Update(ctx context.Context, instanceID string, change InstanceUpdate) (*Instance, error) {
	req := &keelv1.UpdateInstanceRequest{InstanceId: instanceID, Labels: change.Labels, UpdateMask: &fieldmaskpb.FieldMask{}}
	if change.Name != nil {
		req.Name = *change.Name
		req.UpdateMask.Paths = append(req.UpdateMask.Paths, "name")
	}
	if change.Description != nil {
		req.Description = *change.Description
		req.UpdateMask.Paths = append(req.UpdateMask.Paths, "description")
	}
	if change.Labels != nil {
		req.UpdateMask.Paths = append(req.UpdateMask.Paths, "labels")
	}
	var res *keelv1.UpdateInstanceResponse
	// Setting fields to given values is idempotent, so a retry is safe.
	err := s.c.invoke(ctx, readOrIdempotent, func(ctx context.Context) (err error) {
		res, err = s.rpc.UpdateInstance(ctx, req)
		return err
	})
	if err != nil {
		return nil, err
	}
	return instanceFrom(res.GetInstance()), nil
}

// Delete deletes the agent and everything stored about it.
func (s *Instances) Delete(ctx context.Context, instanceID string) error {
	// Not retried on UNAVAILABLE: a repeat of a delete that went through answers NOT_FOUND.
	return s.c.invoke(ctx, unsafeWrite, func(ctx context.Context) error {
		_, err := s.rpc.DeleteInstance(ctx, &keelv1.DeleteInstanceRequest{InstanceId: instanceID})
		return err
	})
}
