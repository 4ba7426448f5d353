package logging_test

import (
	"fmt"
	"os"

	"github.com/ocean-go/ocean/logging"
)

func Example() {
	log := logging.New(logging.Options{
		Level:   "INFO",
		Format:  "json",
		Out:     os.Stderr,
		Secrets: []string{"my-port-client-secret-value"}, // config.Settings.Secrets()
	})
	// Both the message and the field are masked.
	log.WithField("dsn", "postgres://app:hunter2@db/app").
		Infof("authenticating with %s", "my-port-client-secret-value")
	// A secret learnt at runtime.
	logging.AddSecrets(log, "fresh-access-token")
}

func ExampleMasker() {
	m := logging.NewMasker("my-port-client-secret-value")
	fmt.Println(m.Mask("authenticating with my-port-client-secret-value"))
	fmt.Println(m.Full().Mask("authenticating with my-port-client-secret-value"))
	fmt.Println(m.Mask("postgres://app:hunter2@db/app"))
	// Output:
	// authenticating with my-por[REDACTED]
	// authenticating with [REDACTED]
	// postgres://app:[REDACTED]@db/app
}
