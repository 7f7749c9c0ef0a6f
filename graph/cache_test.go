package graph

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/altegraph/altegraph/upstream"
)

type countingCompany struct {
	Upstream
	calls int
	fail  bool
}

func (c *countingCompany) Company(_ context.Context, _ upstream.Credential, id int64) (*upstream.LocationInfo, error) {
	c.calls++
	if c.fail {
		return nil, errors.New("down")
	}
	return &upstream.LocationInfo{ID: id, Title: "x"}, nil
}

func TestLocationRecordCache(t *testing.T) {
	now := time.Date(2026, 8, 1, 12, 0, 0, 0, time.UTC)
	up := &countingCompany{fail: true}
	f := NewLoaderFactory(up, 4)
	f.details = newTTLCache[Key[int64], *upstream.LocationInfo](locationDetailsTTL, func() time.Time { return now })
	alice, bob := upstream.UserCredential("alice"), upstream.UserCredential("bob")
	ctx := context.Background()
	if _, err := f.companyCached(ctx, alice, 1); err == nil {
		t.Fatal("no error")
	}
	up.fail = false
	for i := 0; i < 3; i++ {
		if _, err := f.companyCached(ctx, alice, 1); err != nil {
			t.Fatal(err)
		}
	}
	if up.calls != 2 {
		t.Errorf("%d calls: a failure must not be cached, a success must", up.calls)
	}
	if _, _ = f.companyCached(ctx, bob, 1); up.calls != 3 {
		t.Errorf("another user shared alice's record (%d calls)", up.calls)
	}
	now = now.Add(locationDetailsTTL)
	if _, _ = f.companyCached(ctx, alice, 1); up.calls != 4 {
		t.Errorf("expired record served (%d calls)", up.calls)
	}
}
