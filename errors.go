package tradestat

import (
	"errors"

	"tradestat/msg"
)

// FailureKind is what a failure is to the person who meets it, whichever package found it:
// the one vocabulary of failures. The dashboard answers each kind with its HTTP status, in
// one place; everything else about a failure is its message.
type FailureKind int

// The kinds of failure.
const (
	Internal     FailureKind = iota // a fault of the product or of its servers, logged; not the asker's
	Invalid                         // the request, a parameter or an input is wrong
	Unauthorized                    // nobody is signed in
	Forbidden                       // outside the account's role or region
	NotFound                        // it names nothing there is
	Conflict                        // it cannot be done to the thing as it is now (done already …)
	TooLarge                        // over a bound of size
	NoLength                        // a body whose length is not given, which is never read unbounded
	Unsupported                     // a kind of file the product does not read
	TooMany                         // too many attempts for now
	Unavailable                     // a service the product needs cannot be reached now
	Full                            // the server's disk is full
)

// Error is a failure said to a person: its kind and its message, a format of the message
// catalog (msg: its English form, which is its key) with its arguments, so that it reads in
// the asker's language.
type Error struct {
	Kind FailureKind
	msg  msg.Message
	err  error
}

// Fail is a failure of kind with the catalog message key and its arguments.
func Fail(kind FailureKind, key string, args ...any) error {
	return &Error{Kind: kind, msg: msg.Of(key, args...)}
}

// FailWith is Fail that keeps cause, for errors.Is and the logs.
func FailWith(kind FailureKind, cause error, key string, args ...any) error {
	return &Error{Kind: kind, msg: msg.Of(key, args...), err: cause}
}

// Error is the message in English, as logs and wrapped errors carry it.
func (e *Error) Error() string { return e.Text(msg.English) }

// Unwrap is the failure's cause, if any.
func (e *Error) Unwrap() error { return e.err }

// Text is the message in l. An argument that can say itself in a language (a failure, a
// division's error, a catalog message) is said in l too.
func (e *Error) Text(l msg.Lang) string { return e.msg.Text(l) }

// OfInput reports a kind of failure caused by what was given — a request, a file — rather
// than by the product or the servers it needs: given again unchanged, it fails again, so a
// worker sets the input aside instead of trying it later.
func (k FailureKind) OfInput() bool {
	switch k {
	case Internal, Unavailable, Full:
		return false
	}
	return true
}

// KindOf is the kind of err: that of the first Error in its chain, Internal when none.
func KindOf(err error) FailureKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}
