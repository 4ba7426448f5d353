// Package fakeorg is the fake organisation that the fake integration imports
// into Port: departments, persons, offices, teams and projects.
//
// Everything is generated deterministically from a fixed seed, so the same
// configuration always yields the same data and a repeated resync changes
// nothing. A person is a pure function of (department, index, entity size), so
// any page of a department can be generated on its own, in O(page) time, without
// building the department first.
package fakeorg
