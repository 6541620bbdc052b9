package keel

import (
	"crypto/tls"
	"time"

	"google.golang.org/grpc"
)

// Option configures Dial.
type Option func(*options)

type options struct {
	apiKey      string
	transport   transport
	tlsConfig   *tls.Config
	caFile      string
	dialOptions []grpc.DialOption
	keepalive   time.Duration
	retry       RetryPolicy
}

type transport int

const (
	transportPlaintext transport = iota // the default, and WithInsecure
	transportTLS                        // WithTLS or WithCAFile
)

// WithAPIKey sets the API key sent with every call as `authorization: Bearer <key>`. Without
// it, Dial reads KEEL_API_KEY; with neither, calls go out without a key (fine for a server
// with auth off).
func WithAPIKey(key string) Option {
	return func(o *options) { o.apiKey = key }
}

// WithTLS connects over TLS with the given configuration (nil: the system's roots).
func WithTLS(config *tls.Config) Option {
	return func(o *options) { o.transport, o.tlsConfig = transportTLS, config }
}

// WithCAFile connects over TLS, trusting the PEM certificates in path (e.g. a private CA).
func WithCAFile(path string) Option {
	return func(o *options) { o.transport, o.caFile = transportTLS, path }
}

// WithInsecure connects in plaintext (h2c): the default, like the server's own, and what a
// service mesh's sidecar expects. It undoes an earlier WithTLS or WithCAFile. Over plaintext the
// API key travels unencrypted, so use it only on loopback or inside an encrypting mesh.
func WithInsecure() Option {
	return func(o *options) { o.transport, o.tlsConfig, o.caFile = transportPlaintext, nil, "" }
}

// WithKeepalive sets how often an idle connection is pinged (HTTP/2 PING) to detect a dead
// peer; default 30 s, 0 disables. Sessions also send heartbeat frames (see WithHeartbeat).
func WithKeepalive(every time.Duration) Option {
	return func(o *options) { o.keepalive = every }
}

// WithRetry replaces the retry policy of unary calls (see RetryPolicy).
func WithRetry(policy RetryPolicy) Option {
	return func(o *options) { o.retry = policy }
}

// WithDialOptions passes extra options to grpc.NewClient (interceptors, stats handlers, ...).
// They are applied after the SDK's own, so they win.
func WithDialOptions(opts ...grpc.DialOption) Option {
	return func(o *options) { o.dialOptions = append(o.dialOptions, opts...) }
}
