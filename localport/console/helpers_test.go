package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ocean-go/ocean/integrations/fake/fakeapp"
	"github.com/ocean-go/ocean/localport"
	"github.com/ocean-go/ocean/localport/console/mapping"
	"github.com/ocean-go/ocean/localport/localporttest"
	"github.com/ocean-go/ocean/oceantest"
)

// filled is a local Port the fake integration synced into (persons of it).
func filled(t *testing.T, persons string, opts ...func(*localport.Options)) *localport.Server {
	t.Helper()
	srv := localporttestStart(t, opts...)
	h := oceantest.New(t, fakeapp.Setup, oceantest.Dir("../../integrations/fake"), oceantest.WithPort(srv), oceantest.Env(
		"OCEAN__INTEGRATION__CONFIG__ENTITY_AMOUNT="+persons,
		"OCEAN__INTEGRATION__CONFIG__THIRD_PARTY_BATCH_SIZE=7",
	))
	_, err := h.Resync(context.Background())
	require.NoError(t, err)
	require.NoError(t, h.Stop())
	return srv
}

// do sends a request to the console; body (when not nil) is sent as JSON.
func do(t *testing.T, c *http.Client, method, u string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, u, rd)
	require.NoError(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	if len(data) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		require.NoError(t, json.Unmarshal(data, &out), "%s", data)
	}
	return resp.StatusCode, out
}

func q(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return "?" + v.Encode()
}

// localporttestStart starts a local Port whose console has the playground.
func localporttestStart(t *testing.T, opts ...func(*localport.Options)) *localport.Server {
	return localporttest.Start(t, append([]func(*localport.Options){func(o *localport.Options) { o.Mapper = mapping.New() }}, opts...)...)
}
