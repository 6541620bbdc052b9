package keel

// CallOption adjusts one write call.
type CallOption func(*callOptions)

type callOptions struct {
	requestID string
}

// WithRequestID sets the call's idempotency key (1 to 128 characters of [A-Za-z0-9._:-]) instead
// of a generated one: the server answers a repeat of the same id with the original answer and
// processes nothing, so an application can retry across process restarts.
func WithRequestID(id string) CallOption {
	return func(o *callOptions) { o.requestID = id }
}

// requestID is the id of one logical call: the caller's, or a fresh one, reused on every retry.
func requestID(opts []CallOption) string {
	var o callOptions
	for _, opt := range opts {
		opt(&o)
	}
	if o.requestID == "" {
		return newRequestID()
	}
	return o.requestID
}
