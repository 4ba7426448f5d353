package fakeorg

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// Seed makes the fake organisation the same on every run.
const Seed uint64 = 0x0cea_2024

// EmailDomain is the fake company's e-mail domain.
const EmailDomain = "fake-company.example"

// Persons returns the persons [offset, offset+limit) of a department whose
// bios are about kbSize KB. Person i of a department is always the same, so
// pages can be generated independently and in any order.
func Persons(dept Department, offset, limit, kbSize int) []Person {
	if limit <= 0 || offset < 0 {
		return nil
	}
	bioLen := max(kbSize, 1) * 1024
	text, starts := loremText(bioLen)
	stream := deptStream(dept.ID)

	// One source, reseeded per person: no allocation per person.
	var src rand.PCG
	r := rand.New(&src)
	out := make([]Person, limit)
	for k := range out {
		i := offset + k
		src.Seed(Seed, stream|uint64(i))
		fi, li := r.IntN(len(firstNames)), r.IntN(len(lastNames))
		status := Working
		if r.IntN(3) == 1 { // about 2 in 3 are working, as in Ocean
			status = Nope
		}
		out[k] = Person{
			ID:         personID(dept.ID, i),
			Name:       firstNames[fi] + " " + lastNames[li],
			Email:      lowerFirstNames[fi] + "." + lowerLastNames[li] + strconv.Itoa(i) + "@" + EmailDomain,
			Status:     status,
			Age:        20 + r.IntN(81),
			Department: dept,
			Bio:        bio(r, text, starts, bioLen),
		}
	}
	return out
}

// deptStream puts a department's persons on their own random stream (high
// bits), so two departments never share a person.
func deptStream(id string) uint64 {
	h := uint64(14695981039346656037) // FNV-1a
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 1099511628211
	}
	return h << 32
}

// personID is "<department>-<index>", the index zero-padded to six digits.
func personID(dept string, i int) string {
	b := append(make([]byte, 0, len(dept)+12), dept...)
	b = append(b, '-')
	for lim := 100000; lim > 1 && i < lim; lim /= 10 {
		b = append(b, '0')
	}
	return string(strconv.AppendInt(b, int64(i), 10))
}

// lower returns the lower-cased words, computed once so that building an
// e-mail address costs no case conversion.
func lower(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = strings.ToLower(w)
	}
	return out
}

var lowerFirstNames, lowerLastNames = lower(firstNames), lower(lastNames)

func emailOf(name string) string {
	return strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@" + EmailDomain
}
