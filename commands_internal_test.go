package ocean

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestConfirm(t *testing.T) {
	for _, tc := range []struct {
		name    string
		tty     bool
		input   string
		want    bool
		wantErr error
	}{
		{"yes", true, "y\n", true, nil},
		{"Yes in full", true, " Yes\n", true, nil},
		{"no", true, "n\n", false, nil},
		{"just enter", true, "\n", false, nil},
		{"end of input", true, "", false, nil},
		{"no terminal: nothing asked", false, "y\n", false, errNoTerminal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			got, err := confirm(strings.NewReader(tc.input), &out, tc.tty, "Delete?")
			assert.ErrorIs(t, err, tc.wantErr)
			assert.Equal(t, tc.want, got)
			if tc.tty {
				assert.Equal(t, "Delete? [y/N] ", out.String())
			} else {
				assert.Empty(t, out.String())
			}
		})
	}
}
