package keel

import "context"

// bearer sends the API key with every call and stream as `authorization: Bearer <key>`.
type bearer struct {
	header map[string]string
}

func newBearer(key string) bearer {
	return bearer{header: map[string]string{"authorization": "Bearer " + key}}
}

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return b.header, nil
}

// RequireTransportSecurity is false: plaintext is how a service mesh's sidecar or a loopback
// server is reached.
func (b bearer) RequireTransportSecurity() bool {
	return false
}
