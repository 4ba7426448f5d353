// Package httpbody lets a server refuse a request whose body it will not read
// so that the client still reads the refusal.
//
// A client that writes its whole body before reading the answer (most do)
// finds the connection reset under it when the server answers and closes with
// part of the body unread: the kernel discards the answer it had not read yet,
// and a 413 becomes "connection reset by peer", so the client's fallback for a
// 413 never runs. Discard reads and drops the rest first, within bounds.
package httpbody
