package port

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEntityKey(t *testing.T) {
	asQuery := And(Cond("$identifier", "=", "a"), Cond("language", "in", []string{"go"}))
	asMap := map[string]any{"rules": []any{
		map[string]any{"value": "a", "operator": "=", "property": "$identifier"},
		map[string]any{"property": "language", "value": []any{"go"}, "operator": "in"},
	}, "combinator": "and"}
	tests := []struct {
		name string
		id   any
		want string
	}{
		{"string", "svc-1", "svc-1"},
		{"query", asQuery, `{"combinator":"and","rules":[{"operator":"=","property":"$identifier","value":"a"},{"operator":"in","property":"language","value":["go"]}]}`},
		{"the same query as a map", asMap, `{"combinator":"and","rules":[{"operator":"=","property":"$identifier","value":"a"},{"operator":"in","property":"language","value":["go"]}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Entity{Identifier: tt.id, Blueprint: "service"}
			assert.Equal(t, Key{Blueprint: "service", Identifier: tt.want}, e.Key())
		})
	}
}

// Port's per-entity errors may carry the code as an object and the message as
// validation details; neither loses the batch.
func TestApplyBulkErrorShapes(t *testing.T) {
	body := `{"entities":[{"index":1,"identifier":"b","created":true}],"errors":[
		{"index":0,"identifier":"a","statusCode":422,"error":{"code":"validation_failed"},"message":{"property":"stars","expected":"number"}},
		{"index":2,"identifier":"c","statusCode":404,"error":"not_found","message":"related entity missing"}]}`
	var resp bulkResponse
	if err := json.Unmarshal([]byte(body), &resp); err != nil {
		t.Fatal(err)
	}
	results := make([]UpsertResult, 3)
	var c Client
	c.applyBulk(upsertTask{blueprint: "service", idx: []int{0, 1, 2}}, &resp, results, make([]bool, 3))

	var first, third *EntityError
	if assert.ErrorAs(t, results[0].Err, &first) {
		assert.Equal(t, "validation_failed", first.Code)
		assert.JSONEq(t, `{"property":"stars","expected":"number"}`, first.Message)
	}
	assert.NoError(t, results[1].Err)
	assert.True(t, results[1].Created)
	if assert.ErrorAs(t, results[2].Err, &third) {
		assert.Equal(t, "not_found", third.Code)
		assert.Equal(t, "related entity missing", third.Message)
	}
}

// A bulk answer decodes as encoding/json decodes it, on the fast path or not.
func TestBulkResponseDecodesAsEncodingJSON(t *testing.T) {
	for _, body := range []string{
		`{"entities":[{"index":0,"identifier":"a","created":true},{"index":1,"identifier":"b\u00e9","created":false}],"errors":[]}`,
		`{"entities":[{"index":0,"identifier":"a","created":true,"extra":{"x":1}}]}`,
		`{"ok":true,"entities":[]}`,
		`{"entities":null,"errors":null}`,
		`{"entities":[{"index":1,"identifier":{"combinator":"and","rules":[]},"created":true}]}`,
		`{"entities":[{"Index":3,"IDENTIFIER":"c","created":true}]}`,
		`{"Entities":[{"index":3,"identifier":"c","created":true}]}`,
		`{"entities":[{"index":0,"identifier":"a","created":true}],"errors":[{"index":1,"identifier":"b","statusCode":422,"error":"invalid","message":"no"}]}`,
		`{"entities":[{"index":0,"identifier":"a","created":null}]}`,
		`{"entities":[{"index":-0,"identifier":"a","created":true}],"entities":[{"index":2,"identifier":"z","created":false}]}`,
		`{"entities":[{"index":1.5,"identifier":"a","created":true}]}`,
		`{"entities":[{"index":99999999999999999999,"identifier":"a","created":true}]}`,
		`{"entities":[{"index":0,"identifier":"a","created":true}]} trailing`,
	} {
		t.Run(body, func(t *testing.T) {
			var want, got bulkResponse
			wantErr := decodeJSON([]byte(body), &want)
			gotErr := got.decodeBody([]byte(body))
			if wantErr != nil {
				require.Error(t, gotErr)
				return
			}
			require.NoError(t, gotErr)
			require.Equal(t, want, got)
		})
	}
}
