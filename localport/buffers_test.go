package localport

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadBody(t *testing.T) {
	body := strings.Repeat("x", 3000)
	for _, tc := range []struct {
		name          string
		body          io.Reader
		contentLength int64
		want          string
		wantErr       bool
	}{
		{name: "announced length", body: strings.NewReader(body), contentLength: 3000, want: body},
		{name: "unknown length, read a byte at a time", body: iotest.OneByteReader(strings.NewReader(body)), contentLength: -1, want: body},
		{name: "empty", body: http.NoBody, contentLength: 0, want: ""},
		{name: "past the limit, unannounced", body: strings.NewReader(strings.Repeat("x", maxBody+1)), contentLength: -1, wantErr: true},
		{name: "past the limit, announced", body: strings.NewReader(body), contentLength: maxBody + 1, wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/", tc.body)
			r.ContentLength = tc.contentLength
			got, err := readBody(r)
			if tc.wantErr {
				require.ErrorIs(t, err, errTooLarge)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, string(got))
		})
	}
}
