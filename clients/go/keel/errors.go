package keel

import (
	"context"
	"errors"
	"fmt"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Error is what every call of this package returns when the server (or the transport) refuses
// it. Read it with errors.As:
//
//	var kerr *keel.Error
//	if errors.As(err, &kerr) && kerr.Code == codes.InvalidArgument { ... kerr.FieldViolations ... }
type Error struct {
	// Code is the gRPC status code, e.g. codes.InvalidArgument.
	Code codes.Code
	// Message is the server's human-readable explanation.
	Message string
	// RetryDelay is how long the server asked the client to wait before retrying
	// (google.rpc.RetryInfo, sent with RESOURCE_EXHAUSTED); zero when it gave none.
	RetryDelay time.Duration
	// FieldViolations lists the request fields the server rejected (google.rpc.BadRequest, sent
	// with INVALID_ARGUMENT), e.g. Field "observation.signal_strength".
	FieldViolations []FieldViolation

	status *status.Status
	cause  error
}

// FieldViolation is one rejected request field.
type FieldViolation struct {
	// Field is the path of the field in the request, e.g. "observation.signal_strength".
	Field string
	// Description says what is wrong with it.
	Description string
}

// Error renders the canonical code name and the message, e.g.
// "keel: INVALID_ARGUMENT: observation.signal_strength: must be within [0, 1]".
func (e *Error) Error() string {
	return "keel: " + e.CodeName() + ": " + e.Message
}

// CodeName is the canonical name of Code, as gRPC documents it (e.g. "INVALID_ARGUMENT").
func (e *Error) CodeName() string {
	return codeName(e.Code)
}

// GRPCStatus lets status.FromError and status.Code read the original status.
func (e *Error) GRPCStatus() *status.Status {
	if e.status == nil {
		return status.New(e.Code, e.Message)
	}
	return e.status
}

// Unwrap returns the context error behind a CANCELLED or DEADLINE_EXCEEDED, so that
// errors.Is(err, context.DeadlineExceeded) works.
func (e *Error) Unwrap() error {
	return e.cause
}

// HasField reports whether the server rejected the given request field.
func (e *Error) HasField(field string) bool {
	for _, v := range e.FieldViolations {
		if v.Field == field {
			return true
		}
	}
	return false
}

// newError builds an Error that did not come from the server.
func newError(code codes.Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// toError converts any error from a gRPC call into an *Error (nil stays nil). ctx is the call's
// context: when it is done, its error becomes the cause.
func toError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var kerr *Error
	if errors.As(err, &kerr) {
		return kerr
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		code := codes.Canceled
		if errors.Is(err, context.DeadlineExceeded) {
			code = codes.DeadlineExceeded
		}
		return &Error{Code: code, Message: err.Error(), cause: err}
	}
	st, _ := status.FromError(err)
	e := &Error{Code: st.Code(), Message: st.Message(), status: st}
	if ctx != nil {
		switch {
		case ctx.Err() != nil && (e.Code == codes.Canceled || e.Code == codes.DeadlineExceeded):
			e.cause = ctx.Err()
		case e.Code == codes.DeadlineExceeded:
			// The server enforced the deadline this context sent, a moment before the context
			// itself noticed it.
			if _, has := ctx.Deadline(); has {
				e.cause = context.DeadlineExceeded
			}
		}
	}
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.RetryInfo:
			e.RetryDelay = d.GetRetryDelay().AsDuration()
		case *errdetails.BadRequest:
			for _, v := range d.GetFieldViolations() {
				e.FieldViolations = append(e.FieldViolations, FieldViolation{Field: v.GetField(), Description: v.GetDescription()})
			}
		}
	}
	return e
}

// codeNames are gRPC's canonical code names, as every Keel SDK and the conformance suite spell them.
var codeNames = [...]string{
	codes.OK:                 "OK",
	codes.Canceled:           "CANCELLED",
	codes.Unknown:            "UNKNOWN",
	codes.InvalidArgument:    "INVALID_ARGUMENT",
	codes.DeadlineExceeded:   "DEADLINE_EXCEEDED",
	codes.NotFound:           "NOT_FOUND",
	codes.AlreadyExists:      "ALREADY_EXISTS",
	codes.PermissionDenied:   "PERMISSION_DENIED",
	codes.ResourceExhausted:  "RESOURCE_EXHAUSTED",
	codes.FailedPrecondition: "FAILED_PRECONDITION",
	codes.Aborted:            "ABORTED",
	codes.OutOfRange:         "OUT_OF_RANGE",
	codes.Unimplemented:      "UNIMPLEMENTED",
	codes.Internal:           "INTERNAL",
	codes.Unavailable:        "UNAVAILABLE",
	codes.DataLoss:           "DATA_LOSS",
	codes.Unauthenticated:    "UNAUTHENTICATED",
}

// codeName renders codes.InvalidArgument as "INVALID_ARGUMENT".
func codeName(c codes.Code) string {
	if int(c) < len(codeNames) {
		return codeNames[c]
	}
	return fmt.Sprintf("CODE(%d)", uint32(c))
}
