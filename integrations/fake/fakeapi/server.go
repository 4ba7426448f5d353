package fakeapi

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ocean-go/ocean/integrations/fake/fakeorg"
	"github.com/ocean-go/ocean/internal/bufpool"
)

// MaxPageKB bounds one page of employees: its bios total at most 16 MiB
// (limit=300000 once took 1.2 GB), so limit is clamped to MaxPageKB /
// entity_kb_size persons. Clamped rather than refused, as GitHub's per_page or
// Jira's maxResults are: a client pages on by the results it got, and any
// thirdPartyBatchSize keeps working.
const MaxPageKB = 16 << 10

// personOverhead is about what a person takes on a page besides its bio.
const personOverhead = 256

// Register mounts the fake API's routes on r.
func Register(r gin.IRoutes) {
	r.GET("/departments", static(fakeorg.Departments))
	r.GET("/offices", static(fakeorg.Offices))
	r.GET("/teams", static(fakeorg.Teams))
	r.GET("/projects", static(fakeorg.Projects))
	r.GET("/department/:id/employees", employees)
}

func static[T any](items []T) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !delay(c) {
			return
		}
		c.JSON(http.StatusOK, gin.H{"results": items})
	}
}

func employees(c *gin.Context) {
	dept, ok := fakeorg.DepartmentByID(c.Param("id"))
	if !ok {
		c.JSON(http.StatusNotFound, gin.H{"error": fmt.Sprintf("no department %q", c.Param("id"))})
		return
	}
	var q struct{ amount, limit, offset, kb int }
	for _, p := range []struct {
		name string
		dst  *int
		def  int
	}{
		{"amount", &q.amount, fakeorg.DefaultEntityAmount},
		{"limit", &q.limit, fakeorg.DefaultThirdPartyBatchSize},
		{"offset", &q.offset, 0},
		{"entity_kb_size", &q.kb, fakeorg.DefaultEntityKBSize},
	} {
		v, ok := intParam(c, p.name, p.def)
		if !ok {
			return
		}
		*p.dst = v
	}
	if q.kb > fakeorg.MaxEntityKBSize {
		c.JSON(http.StatusBadRequest, gin.H{"error": fmt.Sprintf("entity_kb_size=%d is over the maximum of %d", q.kb, fakeorg.MaxEntityKBSize)})
		return
	}
	if !delay(c) {
		return
	}
	// -1 (or any value below the minimum) means the default, as for the knobs.
	if q.amount < 1 {
		q.amount = fakeorg.DefaultEntityAmount
	}
	if q.limit < 1 {
		q.limit = fakeorg.DefaultThirdPartyBatchSize
	}
	q.limit = min(q.limit, max(MaxPageKB/max(q.kb, 1), 1))
	n := min(q.limit, max(q.amount-max(q.offset, 0), 0))
	page := bufpool.Get(n * (max(q.kb, 1)*1024 + personOverhead))
	page = appendPersonsPage(page, fakeorg.Persons(dept, max(q.offset, 0), n, q.kb), q.amount, q.limit)
	// Declared, so that the page is not chunked and the client reads it
	// into a buffer of the right size.
	c.Header("Content-Length", strconv.Itoa(len(page)))
	c.Data(http.StatusOK, "application/json; charset=utf-8", page)
	bufpool.Put(page) // written: the response keeps no reference
}

// delay sleeps the latency the caller asked for; false when the caller left.
func delay(c *gin.Context) bool {
	ms, ok := intParam(c, "latency", 0)
	if !ok {
		return false
	}
	if ms <= 0 {
		return true
	}
	t := time.NewTimer(time.Duration(ms) * time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-c.Request.Context().Done():
		c.Abort()
		return false
	}
}

// intParam reads an integer query parameter; an invalid one answers 400.
func intParam(c *gin.Context, name string, def int) (int, bool) {
	s := c.Query(name)
	if s == "" {
		return def, true
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": fmt.Sprintf("query parameter %s=%q is not an integer", name, s)})
		return 0, false
	}
	return v, true
}
