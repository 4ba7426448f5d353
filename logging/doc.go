// Package logging builds the framework's logrus logger with secret masking.
//
// Every line is masked before it is formatted: the message and every field
// value (strings, errors, Stringers, and structs, maps or slices by their
// printed form). Two kinds of secrets are masked:
//   - literal values registered at startup (config.Settings.Secrets) or later
//     with AddSecrets, also as they appear inside JSON strings and URLs;
//   - a fixed list of well-known shapes: passwords in URLs, secrets in URL
//     queries, AWS access key ids, Google API keys and OAuth tokens, private
//     key blocks, GitHub, Slack and Stripe tokens, JWTs, bearer and basic
//     credentials.
//
// Stdout keeps the first 6 characters of a long match (20 characters or more)
// followed by [REDACTED], so one can tell which token leaked; shorter ones are
// hidden whole, unlike Ocean, where 6 characters may be the whole secret.
// Options.MaskFull (or Masker.Full) hides every match whole, for shipped logs.
// Ocean masks only the message; here structured fields are masked too.
package logging
