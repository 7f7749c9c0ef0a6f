package upstream

import (
	"net/http"
	"net/http/httptest"
)

// InProcess is a RoundTripper that serves requests with h inside this
// process: demo mode reaches the embedded demo upstream through it, so the
// client runs its real code path (headers, status mapping, decoding)
// without a socket.
func InProcess(h http.Handler) http.RoundTripper { return inProcess{h} }

type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, req)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}
