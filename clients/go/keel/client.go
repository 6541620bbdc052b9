package keel

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/keepalive"

	keelv1 "github.com/keel-runtime/keel/clients/go/gen/keel/v1"
)

// DefaultTarget is where Dial connects when given no target and KEEL_ADDR is unset.
const DefaultTarget = "127.0.0.1:8080"

// Client is a connection to one Keel server. It is safe for concurrent use; make one per
// process and Close it at the end.
type Client struct {
	// Instances creates, reads, changes and deletes agents.
	Instances *Instances
	// Engine processes observations and reads engine state, history and drift.
	Engine *Engine
	// Contracts manages declared behavioral contracts.
	Contracts *Contracts
	// Keys manages API keys.
	Keys *Keys

	conn   *grpc.ClientConn
	engine keelv1.EngineServiceClient
	retry  RetryPolicy
}

// Dial connects to the Keel server at target ("host:port"; KEEL_ADDR, then DefaultTarget, when
// empty), sending the API key of WithAPIKey (else KEEL_API_KEY) with every call. It does not
// wait for the connection: the first call does, so Dial fails only on bad options or a done ctx.
func Dial(ctx context.Context, target string, opts ...Option) (*Client, error) {
	if err := ctx.Err(); err != nil {
		return nil, toError(ctx, err)
	}
	o := options{keepalive: 30 * time.Second, retry: DefaultRetryPolicy}
	for _, opt := range opts {
		opt(&o)
	}
	if target == "" {
		target = strings.TrimSpace(os.Getenv("KEEL_ADDR"))
	}
	if target == "" {
		target = DefaultTarget
	}
	if o.apiKey == "" {
		o.apiKey = strings.TrimSpace(os.Getenv("KEEL_API_KEY"))
	}
	creds, err := transportCredentials(o)
	if err != nil {
		return nil, err
	}
	dial := []grpc.DialOption{
		grpc.WithTransportCredentials(creds),
		// Reconnect quickly after a dropped connection: sessions resume on the next one.
		grpc.WithConnectParams(grpc.ConnectParams{
			Backoff:           backoff.Config{BaseDelay: 100 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 5 * time.Second},
			MinConnectTimeout: 5 * time.Second,
		}),
		grpc.WithUserAgent("keel-go/" + Version),
	}
	if o.apiKey != "" {
		dial = append(dial, grpc.WithPerRPCCredentials(newBearer(o.apiKey)))
	}
	if o.keepalive > 0 {
		dial = append(dial, grpc.WithKeepaliveParams(keepalive.ClientParameters{Time: o.keepalive, Timeout: 10 * time.Second}))
	}
	conn, err := grpc.NewClient(target, append(dial, o.dialOptions...)...)
	if err != nil {
		return nil, newError(codes.InvalidArgument, "cannot dial %q: %v", target, err)
	}
	conn.Connect()
	return newClient(conn, o.retry), nil
}

// NewFromConn wraps an existing gRPC connection (its credentials must carry the API key). Close
// closes conn.
func NewFromConn(conn *grpc.ClientConn) *Client {
	return newClient(conn, DefaultRetryPolicy)
}

func newClient(conn *grpc.ClientConn, retry RetryPolicy) *Client {
	c := &Client{conn: conn, engine: keelv1.NewEngineServiceClient(conn), retry: retry}
	c.Instances = &Instances{c: c, rpc: keelv1.NewInstanceServiceClient(conn)}
	c.Engine = &Engine{c: c, rpc: c.engine}
	c.Contracts = &Contracts{c: c, rpc: keelv1.NewContractServiceClient(conn)}
	c.Keys = &Keys{c: c, rpc: keelv1.NewKeyServiceClient(conn)}
	return c
}

// Conn is the underlying gRPC connection, for calling the generated stubs directly.
func (c *Client) Conn() *grpc.ClientConn {
	return c.conn
}

// Close ends the connection; open sessions fail with CANCELLED.
func (c *Client) Close() error {
	return c.conn.Close()
}

func transportCredentials(o options) (credentials.TransportCredentials, error) {
	if o.transport == transportPlaintext {
		return insecure.NewCredentials(), nil
	}
	config := &tls.Config{MinVersion: tls.VersionTLS12}
	if o.tlsConfig != nil {
		config = o.tlsConfig.Clone()
	}
	if o.caFile != "" {
		pem, err := os.ReadFile(o.caFile)
		if err != nil {
			return nil, newError(codes.InvalidArgument, "cannot read the CA file: %v", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, newError(codes.InvalidArgument, "the CA file %s holds no PEM certificate", o.caFile)
		}
		config.RootCAs = pool
	}
	return credentials.NewTLS(config), nil
}

// Version is this SDK's version, sent in the user agent.
const Version = "0.1.0"

// String describes the client for logs.
func (c *Client) String() string {
	return fmt.Sprintf("keel.Client(%s)", c.conn.Target())
}
