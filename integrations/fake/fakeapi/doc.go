// Package fakeapi is the fake third-party API of the fake integration and its
// client. Like Ocean's fake integration, the integration serves the API itself,
// on its own HTTP server under /integration, and its resync handlers call it
// over real HTTP: paging, latency and transport costs are those of a real
// third party, only the data is generated (package fakeorg).
//
// Routes, relative to the group they are mounted on:
//
//	GET /departments
//	GET /department/{id}/employees?amount=&limit=&offset=&entity_kb_size=&latency=
//	GET /offices
//	GET /teams
//	GET /projects
//
// Every route answers {"results": [...]}; the employees route adds "total", the
// department's size (amount, default 400), and pages through it by limit and
// offset. A page holds at most MaxPageKB of bios: a larger limit is clamped,
// and "limit" in the answer is the page size used. latency (milliseconds)
// delays every answer.
//
// The client is built on clients/rest, as a real integration's would be: calls
// are retried on overload and timeouts, and persons are paged by offset up to
// the department's total.
package fakeapi
