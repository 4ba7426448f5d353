// Package pyvalue reads values the way Ocean's pydantic settings and models
// do, so that configuration written for Ocean means the same here.
package pyvalue
