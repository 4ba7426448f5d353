package port

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestKafkaCredentialsNeverPrintThePassword(t *testing.T) {
	k := KafkaCredentials{Username: "u", Password: "hunter2"}
	for _, s := range []string{fmt.Sprint(k), fmt.Sprintf("%v %+v %#v %s", k, &k, k, k)} {
		assert.NotContains(t, s, "hunter2")
		assert.Contains(t, s, "u")
	}
}
