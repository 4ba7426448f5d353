// Package jsonorder remembers the key order of decoded JSON objects.
//
// jq keeps an object's keys in insertion order; gojq and encoding/json hold
// objects as Go maps, which have none. Unmarshal decodes JSON as
// encoding/json does (numbers as json.Number) and records, beside each object
// of two or more keys not already sorted, the order its keys had in the text.
// Keys returns that order (sorted keys for an object without one, which is
// also gojq's order), Record sets it for a map built in code, and Append
// encodes a value with its objects in that order.
//
// The order is keyed by the map's identity and held through a weak pointer:
// it costs nothing once the map is garbage, and a new map at the address of a
// collected one never inherits its order. Maps must not be modified after
// their order is recorded; a key added later comes after the recorded ones, in
// sorted order.
package jsonorder
