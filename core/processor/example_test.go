package processor_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ocean-go/ocean/core/appconfig"
	"github.com/ocean-go/ocean/core/processor"
)

func Example() {
	cfg, err := appconfig.Parse([]byte(`
resources:
  - kind: repository
    selector:
      query: .archived == false
    port:
      entity:
        mappings:
          identifier: .name
          title: .name | ascii_upcase
          blueprint: '"service"'
          properties:
            stars: .stars
            language: .language
`))
	if err != nil {
		panic(err)
	}
	p := processor.New(processor.Options{})
	m, err := p.Compile(&cfg.Resources[0])
	if err != nil {
		panic(err)
	}
	items := []any{
		map[string]any{"name": "api", "stars": json.Number("42"), "language": "Go", "archived": false},
		map[string]any{"name": "old", "stars": json.Number("1"), "archived": true},
	}
	res := m.Process(context.Background(), items, false)
	for _, e := range res.Passed {
		out, _ := json.Marshal(e)
		fmt.Println(string(out))
	}
	fmt.Println("filtered out:", res.FilteredOut)
	// Output:
	// {"identifier":"api","title":"API","blueprint":"service","properties":{"language":"Go","stars":42}}
	// filtered out: 1
}
