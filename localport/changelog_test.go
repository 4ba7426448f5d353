package localport_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ocean-go/ocean/internal/kafkatest"
	"github.com/ocean-go/ocean/localport"
	"github.com/ocean-go/ocean/localport/localporttest"
	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startOnKafka starts a local Port whose change log goes to c, under an
// organization of its own (a topic no other test uses).
func startOnKafka(t *testing.T, c *kafkatest.Cluster) (*localport.Server, *client, *logtest.Hook) {
	t.Helper()
	log, hook := logtest.NewNullLogger()
	log.SetLevel(logrus.DebugLevel)
	org := c.Unique("org")
	srv, cl := start(t, func(o *localport.Options) {
		o.OrgID = org
		o.Kafka = localport.KafkaOptions{Brokers: c.Brokers, Username: c.Username, Password: c.Password}
		o.Logger = log
	})
	require.Equal(t, org+".change.log", srv.ChangeLogTopic())
	return srv, cl, hook
}

// jsonOf re-encodes v, so values decoded with and without UseNumber compare.
func jsonOf(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	require.NoError(t, err)
	return string(data)
}

func diffOf(t *testing.T, msg map[string]any) (before, after any) {
	t.Helper()
	diff, isObj := msg["diff"].(map[string]any)
	require.True(t, isObj, "diff in %v", msg)
	return diff["before"], diff["after"]
}

// Every change of an integration is published to {org}.change.log in order,
// keyed by the integration, with the integration as GET renders it before
// and after; a resync request is a RESYNC message.
func TestChangeLog(t *testing.T) {
	kafkatest.Each(t, true, func(t *testing.T, c *kafkatest.Cluster) {
		srv, cl, hook := startOnKafka(t, c)
		const id = "kafka-int"
		base := "/v1/integration/" + id
		get := func() map[string]any { return cl.must(200, "GET", base, nil)["integration"].(map[string]any) }

		created := cl.must(201, "POST", "/v1/integration", map[string]any{
			"installationId": id, "installationAppType": "fake", "version": "0.1.0",
			"changelogDestination": map[string]any{"type": "KAFKA"}, "config": map[string]any{"resources": []any{}},
		})["integration"].(map[string]any)
		mapped := cl.must(200, "PATCH", base, map[string]any{"config": map[string]any{"resources": []any{map[string]any{"kind": "repo"}}}})["integration"].(map[string]any)
		running := cl.must(200, "PATCH", base+"/resync-state", map[string]any{"status": "running", "lastResyncStart": "2025-01-01T10:00:00+00:00"})["integration"].(map[string]any)
		cl.must(200, "POST", "/_admin/integrations/"+id+"/resync-request", nil)

		// x-skip-resync: stored, and nothing published (no listener resyncs).
		req, err := http.NewRequest(http.MethodPatch, srv.URL()+base+"/config", strings.NewReader(`{"config":{"resources":[]}}`))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+cl.token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("x-skip-resync", "true")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		last := get()
		cl.must(200, "DELETE", base, nil)

		raw := c.ReadTopic(t, srv.ChangeLogTopic(), 6)
		var msgs []map[string]any
		for _, m := range raw {
			assert.Equal(t, id, string(m.Key), "keyed by the integration")
			var v map[string]any
			require.NoError(t, json.Unmarshal(m.Value, &v))
			msgs = append(msgs, v)
		}
		var actions []any
		for _, m := range msgs {
			actions = append(actions, m["action"])
			assert.Equal(t, "integration", m["resourceType"])
			assert.Equal(t, map[string]any{"integrationId": id}, m["context"])
			trigger := m["trigger"].(map[string]any)
			assert.Equal(t, "API", trigger["origin"])
			assert.NotEmpty(t, trigger["at"])
		}
		require.Equal(t, []any{"CREATE", "RESYNC", "UPDATE", "UPDATE", "RESYNC", "DELETE"}, actions,
			"in order, the first resync requested at creation, the skipped resync left out")

		before, after := diffOf(t, msgs[0])
		assert.Nil(t, before)
		assert.JSONEq(t, jsonOf(t, created), jsonOf(t, after), "CREATE carries the integration as the API returned it")
		assert.Equal(t, "SUCCESS", msgs[0]["status"])
		assert.Equal(t, map[string]any{"type": "KAFKA"}, msgs[0]["changelogDestination"])
		assert.Equal(t, "tester", msgs[0]["trigger"].(map[string]any)["by"].(map[string]any)["userId"])

		assert.NotContains(t, msgs[1], "diff", "the first resync's request")

		// A mapping change: a change a KAFKA listener resyncs on.
		before, after = diffOf(t, msgs[2])
		assert.JSONEq(t, jsonOf(t, created), jsonOf(t, before))
		assert.JSONEq(t, jsonOf(t, mapped), jsonOf(t, after))
		a := after.(map[string]any)
		assert.NotEqual(t, a["updatedAt"], a["resyncState"].(map[string]any)["updatedAt"], "an update is not a state update")
		assert.Equal(t, map[string]any{"type": "KAFKA"}, a["changelogDestination"])

		// A resync-state PATCH: recognisably a pure state update.
		before, after = diffOf(t, msgs[3])
		assert.JSONEq(t, jsonOf(t, mapped), jsonOf(t, before))
		assert.JSONEq(t, jsonOf(t, running), jsonOf(t, after))
		a = after.(map[string]any)
		assert.Equal(t, a["updatedAt"], a["resyncState"].(map[string]any)["updatedAt"])
		assert.Equal(t, "running", a["resyncState"].(map[string]any)["status"])

		assert.NotContains(t, msgs[4], "diff")

		before, after = diffOf(t, msgs[5])
		assert.JSONEq(t, jsonOf(t, last), jsonOf(t, before))
		assert.Nil(t, after)

		if c.SASL() {
			creds := cl.must(200, "GET", "/v1/kafka-credentials", nil)["credentials"]
			assert.Equal(t, map[string]any{"username": c.Username, "password": c.Password}, creds)
		}
		require.NoError(t, srv.Close())
		for _, e := range hook.AllEntries() {
			line, err := e.String()
			require.NoError(t, err)
			assert.NotContains(t, line, c.Password)
		}
	})
}

// Through the HTTP API: a resync-state PATCH gives updatedAt ==
// resyncState.updatedAt, any other update a later updatedAt only, even
// within the same millisecond.
func TestResyncStateTimestamps(t *testing.T) {
	_, cl := start(t)
	base := "/v1/integration/i"
	cl.must(201, "POST", "/v1/integration", map[string]any{"installationId": "i"})
	times := func(integ map[string]any) (updated, state string) {
		return integ["updatedAt"].(string), integ["resyncState"].(map[string]any)["updatedAt"].(string)
	}
	prev := ""
	for i := range 20 { // back to back: many fall in one millisecond
		integ := cl.must(200, "PATCH", base+"/resync-state", map[string]any{"status": "running"})["integration"].(map[string]any)
		updated, state := times(integ)
		assert.Equal(t, updated, state, "state PATCH %d", i)
		assert.Greater(t, updated, prev)
		prev = updated

		integ = cl.must(200, "PATCH", base, map[string]any{"version": fmt.Sprint(i)})["integration"].(map[string]any)
		updated, state = times(integ)
		assert.Equal(t, prev, state, "an update leaves resyncState.updatedAt alone")
		assert.Greater(t, updated, state, "update %d", i)
		prev = updated

		request := cl.must(200, "POST", "/_admin/integrations/i/resync-request", nil)["request"].(map[string]any)["updatedAt"].(string)
		assert.Greater(t, request, prev, "a resync request is newer than the state")
		prev = request
	}
}

// A broker that is down when the API changes an integration gets the
// messages once it is back: the API does not wait for it.
func TestChangeLogSurvivesBrokerRestart(t *testing.T) {
	c := kafkatest.Fake(t, true)
	srv, cl, hook := startOnKafka(t, c)

	sent := make(chan error, 1)
	go func() {
		time.Sleep(300 * time.Millisecond) // within the 2 s the broker is down
		sent <- func() error {
			for _, r := range []struct{ method, path, body string }{
				{"POST", "/v1/integration", `{"installationId":"down","changelogDestination":{"type":"KAFKA"}}`},
				{"PATCH", "/v1/integration/down", `{"config":{"resources":[{"kind":"repo"}]}}`},
			} {
				req, err := http.NewRequest(r.method, srv.URL()+r.path, bytes.NewBufferString(r.body))
				if err != nil {
					return err
				}
				req.Header.Set("Authorization", "Bearer "+cl.token)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					return err
				}
				resp.Body.Close()
				if resp.StatusCode >= 300 {
					return fmt.Errorf("%s %s: %s", r.method, r.path, resp.Status)
				}
			}
			return nil
		}()
	}()
	c.Restart(t, 2*time.Second)
	require.NoError(t, <-sent)

	msgs := localporttest.ReadChangeLog(t, c, srv.ChangeLogTopic(), 3)
	assert.Equal(t, "CREATE", msgs[0]["action"])
	assert.Equal(t, "RESYNC", msgs[1]["action"])
	assert.Equal(t, "UPDATE", msgs[2]["action"])
	var warned bool
	for _, e := range hook.AllEntries() {
		warned = warned || e.Message == "Kafka publish failed; retrying" && e.Data["topic"] == srv.ChangeLogTopic()
	}
	assert.True(t, warned, "the failed attempts are logged with the topic")
}
