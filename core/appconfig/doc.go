// Package appconfig is the port app config ("mapping"): the document, stored in
// Port on the integration, that says which kinds to sync and how raw items of
// each kind become catalog entities.
//
// Parse reads it from YAML or JSON, applies Ocean's defaults and validates it,
// naming the path of every problem ("resources[2].port.entity.mappings.identifier:
// required"). MarshalJSON writes it back in the camelCase form Port stores.
//
// Every mapping leaf is a JQ program kept as source text; core/processor compiles
// and runs them. Keys that were not set in the document are not evaluated and not
// sent, so the model keeps "unset" apart from "empty" (nil pointers and maps).
//
// Ocean drops keys its model does not declare unless an integration subclasses
// the model. Go has no subclassing, so unknown keys at the top level, on a
// resource and on its selector are kept in Extra and written back; integrations
// read them into their own structs with Decode.
//
// Keys below port are all declared, so any other there (propertes:,
// itemToParse:) is a mistake; at the three open levels, a key close to a
// declared one (selctor:) likely is. Parse ignores them, listing them in
// PortAppConfig.Unknown with the key they likely meant; ParseStrict (ocean
// map, sail --strict) refuses them. A YAML syntax error names its line.
package appconfig
