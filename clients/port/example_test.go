package port_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/ocean-go/ocean/clients/port"
	"github.com/ocean-go/ocean/localport"
)

// Upsert entities into a local Port, then list what the integration owns.
func Example() {
	srv, err := localport.New(localport.Options{}) // in-memory, accepts any credentials
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	baseURL, err := srv.Start("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}

	client, err := port.New(port.Config{
		BaseURL:      baseURL, // https://api.getport.io by default
		ClientID:     "client-id",
		ClientSecret: "client-secret",
		UserAgent:    port.UserAgent{Type: "github", Version: "0.1.0", Identifier: "my-github"},
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	_, err = client.CreateBlueprint(ctx, port.Blueprint{
		Identifier: "service",
		Title:      "Service",
		Schema:     port.BlueprintSchema{Properties: map[string]port.Property{"language": {Type: "string"}}},
		Relations:  map[string]port.Relation{},
	})
	if err != nil {
		log.Fatal(err)
	}

	results, err := client.UpsertEntities(ctx, []port.Entity{
		{Identifier: "payments", Blueprint: "service", Properties: map[string]any{"language": "go"}},
		{Identifier: "ledger", Blueprint: "service", Properties: map[string]any{"language": 42}}, // wrong type
	}, port.UpsertOptions{Merge: true})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range results {
		fmt.Printf("%v created=%v validation error=%v\n", r.Entity.Identifier, r.Created, errors.Is(r.Err, port.ErrValidation))
	}

	for page, err := range client.OwnedEntities(ctx, time.Time{}) {
		if err != nil {
			log.Fatal(err)
		}
		for _, e := range page {
			fmt.Println("owned:", e.Key())
		}
	}

	_, err = client.GetBlueprint(ctx, "missing")
	fmt.Println("not found:", errors.Is(err, port.ErrNotFound))

	// Output:
	// payments created=true validation error=false
	// ledger created=false validation error=true
	// owned: service/payments
	// not found: true
}
