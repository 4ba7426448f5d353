// Package defaults reads an integration's default Port resources
// (.port/resources: blueprints, actions, scorecards, pages and the default
// mapping) and initialises the integration in Port before it serves, as Ocean
// does at startup: it checks the runtime, resolves where default resources come
// from (Empty, Default or Port), creates or aligns the integration record, and
// creates the default blueprints in stages so that relations between them
// resolve, rolling back the blueprints it created when a stage fails.
//
// Initialisation is idempotent: a second start against the same Port changes
// nothing, because the integration record remembers that its resources were
// initialised and every compared field already matches.
package defaults
