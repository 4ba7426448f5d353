package port

import (
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestQueryParams(t *testing.T) {
	tests := []struct {
		name string
		got  params
		want string
	}{
		{"upsert defaults", UpsertOptions{}.params(),
			"upsert=true&merge=false&create_missing_related_entities=false&validation_only=false"},
		{"upsert in a resync", UpsertOptions{Merge: true, CreateMissingRelatedEntities: true, EventType: "resync", ResyncID: "ev 1"}.params(),
			"upsert=true&merge=true&create_missing_related_entities=true&validation_only=false&ocean_info_event_type=resync&ocean_info_resync_id=ev+1"},
		{"validation only", UpsertOptions{ValidationOnly: true}.params(),
			"upsert=true&merge=false&create_missing_related_entities=false&validation_only=true"},
		{"delete", DeleteOptions{DeleteDependents: true, EventType: "http_request"}.params(),
			"delete_dependents=true&ocean_info_event_type=http_request"},
		{"cursor", cursorParams("a&b", 2), "kind=a%26b&index=2"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.got.encode(), tt.name)
	}
}

func TestSeg(t *testing.T) {
	for in, want := range map[string]string{
		"plain":        "plain",
		"a/b":          "a%2Fb",
		"a+b":          "a%2Bb",
		"a b":          "a%20b",
		"user@x.io:1=": "user@x.io:1=",
		"ünï":          "%C3%BCn%C3%AF",
	} {
		assert.Equal(t, want, seg(in), in)
		back, err := url.PathUnescape(seg(in))
		assert.NoError(t, err)
		assert.Equal(t, in, back)
	}
}

func TestFormatBefore(t *testing.T) {
	loc := time.FixedZone("x", 2*3600)
	assert.Equal(t, "2025-01-01T10:00:00.123456Z", formatBefore(time.Date(2025, 1, 1, 12, 0, 0, 123456789, loc)))
	assert.Equal(t, "2025-01-01T10:00:00.000000Z", formatBefore(time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)))
}

func TestOwnershipRules(t *testing.T) {
	cfg := validConfig()
	cfg.UserAgent.Type = "GitHub"
	cfg.Feature = "gitops"
	c, err := New(cfg)
	assert.NoError(t, err)
	assert.Equal(t, []Rule{
		Cond("$datasource", "contains", "port-ocean/github/"),
		Cond("$datasource", "contains", "/my-fake/gitops"),
	}, c.OwnershipRules())
}

func TestValidateEntity(t *testing.T) {
	tests := []struct {
		name string
		e    Entity
		ok   bool
	}{
		{"ok", Entity{Identifier: "a", Blueprint: "b"}, true},
		{"search identifier", Entity{Identifier: And(Cond("$identifier", "=", "a")), Blueprint: "b"}, true},
		{"no identifier", Entity{Blueprint: "b"}, false},
		{"empty identifier", Entity{Identifier: "", Blueprint: "b"}, false},
		{"no blueprint", Entity{Identifier: "a"}, false},
	}
	for _, tt := range tests {
		err := validateEntity(&tt.e)
		if tt.ok {
			assert.NoError(t, err, tt.name)
		} else {
			assert.ErrorIs(t, err, ErrValidation, tt.name)
		}
	}
}
