package localport_test

import (
	"net/http"
	"testing"
)

// with binds the client to one fuzz iteration.
func (c *client) with(t *testing.T) *client {
	cc := *c
	cc.t = t
	return &cc
}

// checkAnswer: every answer is the JSON envelope, and never a server error.
func checkAnswer(t *testing.T, status int, body map[string]any, allowed ...int) {
	for _, s := range allowed {
		if status == s {
			if status >= 300 && (body["ok"] != false || body["error"] == nil || body["message"] == nil) {
				t.Fatalf("status %d without a proper error envelope: %v", status, body)
			}
			return
		}
	}
	t.Fatalf("unexpected status %d: %v", status, body)
}

func FuzzSearchQuery(f *testing.F) {
	for _, seed := range []string{
		`{"combinator":"and","rules":[]}`,
		`{"combinator":"or","rules":[]}`,
		`{"combinator":"and","rules":[{"property":"$identifier","operator":"in","value":["a","c"]},{"property":"$blueprint","operator":"=","value":"service"}]}`,
		`{"combinator":"and","rules":[{"property":"$datasource","operator":"contains","value":"port-ocean/"}]}`,
		`{"combinator":"or","rules":[{"combinator":"and","rules":[{"property":"stars","operator":">","value":10}]},{"property":"tags","operator":"containsAny","value":["y"]}]}`,
		`{"combinator":"and","rules":[{"property":"released","operator":"between","value":{"from":"2024-01-01T00:00:00Z","to":"2024-12-31"}}]}`,
		`{"combinator":"and","rules":[{"property":"released","operator":"notBetween","value":{"preset":"lastWeek"}}]}`,
		`{"combinator":"and","rules":[{"operator":"relatedTo","blueprint":"service","value":["a"],"direction":"upstream","required":false}]}`,
		`{"combinator":"and","rules":[{"property":"language","operator":"isEmpty"}]}`,
		`{"combinator":"or","rules":[{"property":"released","operator":"isExpired"},{"property":"released","operator":"isNotExpired"}]}`,
		`{"combinator":"and","rules":[{"property":"x","operator":"like","value":1}]}`,
		`{"combinator":"and","rules":[{"property":{"path":["a"]},"operator":"matchAny","value":[]}]}`,
		`[]`, `null`, `{`, ``,
	} {
		f.Add([]byte(seed))
	}
	c := searchFixture(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		status, resp := c.with(t).call(http.MethodPost, "/v1/entities/search", body)
		checkAnswer(t, status, resp, 200, 400, 422)
	})
}

func FuzzBulkUpsert(f *testing.F) {
	for _, seed := range []string{
		`{"entities":[{"identifier":"a","title":null,"properties":{"language":"go","stars":1e3},"relations":{"owner":"jane"}}]}`,
		`{"entities":[{"identifier":"b","team":["x"],"relations":{"deps":["a","c"]}},{"identifier":"c","icon":"Go"}]}`,
		`{"entities":[{"identifier":{"combinator":"and","rules":[{"property":"language","operator":"=","value":"go"}]},"title":"t"}]}`,
		`{"entities":[{"identifier":"d","relations":{"owner":{"combinator":"and","rules":[{"property":"$identifier","operator":"=","value":"jane"}]}}}]}`,
		`{"entities":[{"identifier":"e","properties":{"stars":123456789012345678901234567890,"tags":["a",1],"meta":{"k":[1,2]}}}]}`,
		`{"entities":[]}`, `{"entities":{}}`, `{"entities":[1,"x",null]}`, `[]`, `{`, ``,
	} {
		f.Add([]byte(seed))
	}
	_, c := start(f)
	catalog(c)
	upsert(c, "user", map[string]any{"identifier": "jane"})
	f.Fuzz(func(t *testing.T, body []byte) {
		status, resp := c.with(t).call(http.MethodPost, "/v1/blueprints/service/entities/bulk?upsert=true&merge=true&create_missing_related_entities=true", body)
		checkAnswer(t, status, resp, 200, 207, 400, 413, 422)
	})
}
