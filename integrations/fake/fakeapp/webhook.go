package fakeapp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	ocean "github.com/ocean-go/ocean"
	"github.com/ocean-go/ocean/integrations/fake/fakeorg"
)

// webhookEvent names the person to re-register; an empty body means the first
// person of the first department.
type webhookEvent struct {
	Department string `json:"department"`
	Index      int    `json:"index"`
}

// webhook re-registers one person, generated exactly as the resync does, so
// the entity is unchanged unless the configuration changed.
func (f *fake) webhook(c *gin.Context) {
	ev := webhookEvent{Department: fakeorg.Departments[0].ID}
	dec := json.NewDecoder(c.Request.Body)
	if err := dec.Decode(&ev); err != nil && !errors.Is(err, io.EOF) {
		c.JSON(http.StatusBadRequest, gin.H{"ok": false, "error": "invalid webhook body: " + err.Error()})
		return
	}
	// One JSON value and nothing else: a second Decode must find the end.
	if err := dec.Decode(&json.RawMessage{}); !errors.Is(err, io.EOF) {
		c.JSON(http.StatusBadRequest, gin.H{"ok": false, "error": "invalid webhook body: data after the JSON value"})
		return
	}
	ctx := c.Request.Context()
	cfg, err := ocean.IntegrationConfig[fakeorg.Config](ctx)
	if err != nil {
		c.JSON(http.StatusInternalServerError, gin.H{"ok": false, "error": err.Error()})
		return
	}
	cfg = cfg.Resolved()
	dept, ok := fakeorg.DepartmentByID(ev.Department)
	if !ok {
		c.JSON(http.StatusBadRequest, gin.H{"ok": false, "error": fmt.Sprintf("no department %q", ev.Department)})
		return
	}
	if cfg.EntityKBSize > fakeorg.MaxEntityKBSize {
		c.JSON(http.StatusBadRequest, gin.H{"ok": false, "error": fmt.Sprintf("entityKbSize %d is over the maximum of %d", cfg.EntityKBSize, fakeorg.MaxEntityKBSize)})
		return
	}
	if ev.Index < 0 || ev.Index >= cfg.EntityAmount {
		c.JSON(http.StatusBadRequest, gin.H{"ok": false, "error": fmt.Sprintf("index %d is outside department %s (0..%d)", ev.Index, dept.ID, cfg.EntityAmount-1)})
		return
	}
	item, err := rawItem(fakeorg.Persons(dept, ev.Index, 1, cfg.EntityKBSize)[0])
	if err != nil {
		c.JSON(http.StatusInternalServerError, gin.H{"ok": false, "error": err.Error()})
		return
	}
	entities, err := f.app.RegisterRaw(ctx, KindPerson, []any{item})
	if err != nil {
		c.JSON(http.StatusBadGateway, gin.H{"ok": false, "error": err.Error()})
		return
	}
	c.JSON(http.StatusOK, gin.H{"ok": true, "registered": len(entities)})
}

// rawItem gives the person the shape the fake API gives it: decoded JSON.
func rawItem(p fakeorg.Person) (map[string]any, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}
