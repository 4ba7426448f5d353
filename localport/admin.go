package localport

import (
	"encoding/json"
	"net/http"
)

// POST /_admin/faults: body is one Fault in JSON.
func (s *Server) adminAddFault(c *call) (int, any, error) {
	data, err := c.body()
	if err != nil {
		return 0, nil, err
	}
	var f Fault
	if err := json.Unmarshal(data, &f); err != nil {
		return 0, nil, invalid("invalid fault: %v", err)
	}
	if err := f.validate(); err != nil {
		return 0, nil, invalid("invalid fault: %v", err)
	}
	return http.StatusOK, ok("id", s.InjectFault(f)), nil
}

// DELETE /_admin/faults
func (s *Server) adminClearFaults(*call) (int, any, error) {
	s.ClearFaults()
	return http.StatusOK, ok(), nil
}

// POST /_admin/integrations/{id}/resync-request
func (s *Server) adminRequestResync(c *call) (int, any, error) {
	if err := s.requestResync(c.r.Context(), c.param("id"), c.clientID); err != nil {
		return 0, nil, err
	}
	return s.resyncRequest(c)
}

// GET /_admin/sinks
func (s *Server) adminSinks(*call) (int, any, error) {
	return http.StatusOK, ok("sinks", s.Sinks()), nil
}
