// Package retry holds the waiting rules shared by the HTTP clients of the
// framework: capped, jittered exponential backoff, the wait a server asks for
// (Retry-After and the common rate-limit reset headers), which methods are safe
// to repeat, and a sleep that ends when its context does.
//
// It sends nothing itself: clients/port and clients/rest decide what to retry
// and call Policy.Wait for how long to wait before retry n.
package retry
