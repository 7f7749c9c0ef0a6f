package redistest

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"
)

func TestURLGivesAWorkingEmptyDatabase(t *testing.T) {
	opts, err := redis.ParseURL(URL(t))
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opts)
	defer c.Close()
	ctx := context.Background()
	if n, err := c.DBSize(ctx).Result(); err != nil || n != 0 {
		t.Fatalf("dbsize = %d, %v", n, err)
	}
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
}
