// Package rest is what an integration needs to call a third-party REST API:
// an *http.Client that retries and respects rate limits, authentication
// (bearer token, basic, OAuth2 client credentials), JSON helpers with errors
// fit for logs, and pagination iterators that feed resync handlers directly.
//
// # Retries and rate limits
//
// New (or NewTransport) wraps a transport. Requests with idempotent methods
// (GET, HEAD, PUT, DELETE, OPTIONS, TRACE), and others sent with a context
// from MarkRetryable, are retried on transport errors, timed-out attempts
// (Options.AttemptTimeout), 408, 429, 500, 502, 503, 504, and on a 403 that is
// a rate limit (X-RateLimit-Remaining: 0 or Retry-After, as GitHub sends);
// Options.RetryOn changes which answers are retried.
// Before retry n the client waits what the server asks for, from Retry-After
// (seconds or an HTTP date), X-RateLimit-Reset or RateLimit-Reset (seconds, or
// a UNIX epoch when larger than 10000), else BaseDelay × 2^(n-1) ± 10 %; every
// wait is capped (60 s by default, see retry.Policy) and ends when the
// request's context is done. Bodies are re-sent from GetBody, or from a copy
// read once. A 401 with a Refresher Auth (ClientCredentials) fetches a new
// token and replays the request once. When retries run out the last answer is
// returned as it is.
//
// An answer of any status that says the quota is spent (X-RateLimit-Remaining:
// 0 with a reset) holds the client's next requests until the reset, instead
// of spending them on 429s. Options.Limiter adds a token bucket of one's own,
// waited on before every attempt; clients sharing a quota share it.
//
// # Errors and secrets
//
// Do, GetJSON and Pages return a *StatusError for a non-2xx answer and name
// the request with Redact: no user info, and query values other than plain
// numbers replaced, since APIs take keys in the query. The client logs
// retries the same way and never logs headers. (A plain http.Client.Do
// returns Go's *url.Error, which quotes the whole URL.) A 2xx body that is cut
// short is not retried: the transport does not buffer answers.
//
// # Pagination
//
// Pages[T] streams a list one page at a time as iter.Seq2[[]T, error], the
// shape of a resync handler: Pages[any] decodes raw objects (numbers as
// json.Number) and can be returned from a handler as it is. Strategies:
// PageNumber (?page=), Offset (?offset=&limit=, optionally stopping at a total
// in the body), Cursor (a token or next URL in the body) and Link (the Link
// header's rel="next"); a Strategy of one's own sees each Page. A failed page
// is yielded as an error and ends the list.
package rest
