package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/ocean-go/ocean/core/jsonorder"
	"github.com/ocean-go/ocean/internal/bufpool"
)

// maxBody bounds what is read of one answer: a runaway body must not exhaust
// memory.
const maxBody = 256 << 20

// GetJSON sends GET rawURL with c and decodes a 2xx JSON answer into out, as
// Do does.
func GetJSON(ctx context.Context, c *http.Client, rawURL string, out any) (http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("rest: %w", withoutURL(err))
	}
	return Do(c, req, out)
}

// Do sends req with c (nil = http.DefaultClient) and decodes a 2xx JSON answer
// into out (nil = ignore the body), numbers as json.Number so that they reach
// the mapping exactly. Another status is a *StatusError. Errors name the
// request with its URL redacted (see Redact), never with query secrets.
func Do(c *http.Client, req *http.Request, out any) (http.Header, error) {
	body, hdr, err := fetch(c, req)
	if err != nil {
		return hdr, err
	}
	defer bufpool.Put(body) // decoding copies what it keeps
	if out != nil && len(bytes.TrimSpace(body)) > 0 {
		if err := decode(body, out); err != nil {
			return hdr, fmt.Errorf("rest: %s %s: decode answer: %w", req.Method, Redact(req.URL), err)
		}
	}
	return hdr, nil
}

// fetch sends req and reads its whole 2xx body into a buffer lent by bufpool,
// to be given back once decoded.
func fetch(c *http.Client, req *http.Request) ([]byte, http.Header, error) {
	if c == nil {
		c = http.DefaultClient
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	where := req.Method + " " + Redact(req.URL)
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("rest: %s: %w", where, withoutURL(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return nil, resp.Header, &StatusError{
			Method: req.Method, URL: Redact(req.URL),
			StatusCode: resp.StatusCode, Status: resp.Status,
			Body: strings.TrimSpace(string(b)),
		}
	}
	b, err := bufpool.ReadAll(resp.Body, resp.ContentLength, maxBody)
	if err != nil {
		return nil, resp.Header, fmt.Errorf("rest: %s: read answer: %w", where, err)
	}
	return b, resp.Header, nil
}

// withoutURL drops the *url.Error around err: it quotes the whole URL, query
// secrets included.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// decode decodes b into out, numbers as json.Number; raw values (any, []any,
// map[string]any) keep their objects' key order (jsonorder), which jq
// mappings see.
func decode(b []byte, out any) error {
	if tree, ok := out.(*any); ok {
		// Pages of raw items, the hot path. What jsonorder refuses goes on
		// to the decoder below, for its leniency (data after the value).
		if v, err := jsonorder.Unmarshal(b); err == nil {
			*tree = v
			return nil
		}
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(out); err != nil {
		return err
	}
	switch v := out.(type) {
	case *any:
		jsonorder.RecordFrom(b, *v)
	case *[]any:
		jsonorder.RecordFrom(b, *v)
	case *map[string]any:
		jsonorder.RecordFrom(b, *v)
	}
	return nil
}
