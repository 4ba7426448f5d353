package localport_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocean-go/ocean/localport"
	"github.com/stretchr/testify/require"
)

// crashDBEnv names the database of the server TestKilledServerChild runs.
const crashDBEnv = "LOCALPORT_TEST_CRASH_DB"

// TestKilledServerChild is the server TestAcknowledgedWritesSurviveKill
// kills: it serves the database until killed.
func TestKilledServerChild(t *testing.T) {
	path := os.Getenv(crashDBEnv)
	if path == "" {
		t.Skip("run by TestAcknowledgedWritesSurviveKill")
	}
	srv, err := localport.New(localport.Options{DBPath: path})
	require.NoError(t, err)
	url, err := srv.Start("127.0.0.1:0")
	require.NoError(t, err)
	fmt.Println("URL", url)
	select {}
}

// A server killed with SIGKILL in the middle of concurrent bulk upserts
// (grouped in shared transactions) leaves a database that opens, and holds
// every entity whose bulk upsert was answered.
func TestAcknowledgedWritesSurviveKill(t *testing.T) {
	path := filepath.Join(t.TempDir(), "port.db")
	setup, err := localport.New(localport.Options{DBPath: path})
	require.NoError(t, err)
	base, err := setup.Start("127.0.0.1:0")
	require.NoError(t, err)
	c := &client{t: t, base: base, ua: testUA}
	c.token = c.must(200, "POST", "/v1/auth/access_token", map[string]any{"clientId": "a", "clientSecret": "b"})["accessToken"].(string)
	catalog(c)
	require.NoError(t, setup.Close())

	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledServerChild$")
	cmd.Env = append(os.Environ(), crashDBEnv+"="+path)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := bufio.NewScanner(out)
	for lines.Scan() && !strings.HasPrefix(lines.Text(), "URL ") {
	}
	url, found := strings.CutPrefix(lines.Text(), "URL ")
	require.True(t, found, "the server printed no URL")
	go func() { // keep the pipe drained
		for lines.Scan() {
		}
	}()
	c.base = url
	c.token = c.must(200, "POST", "/v1/auth/access_token", map[string]any{"clientId": "a", "clientSecret": "b"})["accessToken"].(string)

	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
	)
	killed := make(chan struct{})
	for w := range 8 {
		wg.Go(func() {
			for b := 0; ; b++ {
				select {
				case <-killed:
					return
				default:
				}
				var ids []string
				var entities []any
				for i := range 20 {
					id := fmt.Sprintf("w%d-b%d-%d", w, b, i)
					ids = append(ids, id)
					entities = append(entities, map[string]any{"identifier": id, "properties": map[string]any{"stars": i}})
				}
				body, _ := json.Marshal(map[string]any{"entities": entities})
				req, _ := http.NewRequest(http.MethodPost, url+"/v1/blueprints/service/entities/bulk?upsert=true", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+c.token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					return // the server is gone
				}
				_ = resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					mu.Lock()
					acked = append(acked, ids...)
					mu.Unlock()
				}
			}
		})
	}
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(acked) >= 2000
	}, time.Minute, 5*time.Millisecond, "bulk upserts were not answered")
	require.NoError(t, cmd.Process.Kill())
	close(killed)
	wg.Wait()
	_ = cmd.Wait()

	reopened, err := localport.New(localport.Options{DBPath: path})
	require.NoError(t, err)
	defer reopened.Close()
	all, err := reopened.Entities("service")
	require.NoError(t, err)
	stored := map[string]bool{}
	for _, e := range all {
		stored[e["identifier"].(string)] = true
	}
	mu.Lock()
	defer mu.Unlock()
	for _, id := range acked {
		require.True(t, stored[id], "acknowledged entity %s was lost", id)
	}
	t.Logf("%d acknowledged entities survived, %d stored", len(acked), len(stored))
}
