// Package suggest finds the name a user most likely meant when they wrote
// one that is not known: the nearest known name by edit distance, offered
// only when it is close enough to be a slip of the keyboard.
package suggest
