// Package embedded registers the local Port (package localport, on SQLite) as
// the target of an App without Port credentials:
//
//	import _ "github.com/ocean-go/ocean/localport/embedded"
//
// Why it is a package of its own: the local Port and its SQLite driver are
// most of an integration binary. An integration imports this package to sync
// without a Port account (for trying and developing it); one that always
// syncs into Port leaves it out and links neither. Its data is kept in
// OCEAN__LOCAL_PORT__DIR (default .ocean), in port.db.
package embedded
