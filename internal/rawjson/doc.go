// Package rawjson reads and writes JSON without reflection, for the hot paths
// of the local Port and of the entities the Port client sends: Decode turns a request body into the generic values
// encoding/json would give with UseNumber (DecodeOrdered also tells each
// object's key order, for jsonorder's raw items), Members splits a stored object into
// its members' raw bytes (so that an answer can copy them instead of decoding
// and encoding again), and Append encodes generic values the way
// encoding/json does with HTML escaping off.
//
// Why not encoding/json: its scanner calls a function per input byte and its
// encoder goes through reflection; bulk upserts and listings spent most of
// their JSON time there. Decode accepts exactly what encoding/json accepts
// and gives the same values; on any error the caller asks encoding/json
// again for its message.
package rawjson
