// Package redistest gives tests a real, private redis-server: one process
// per test binary on a free loopback port, with a fresh database number per
// test. Tests that need Redis call URL(t); when redis-server is not
// installed they are skipped locally, but fail in CI (CI=true), where
// .ci/run installs it.
package redistest

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

var (
	once    sync.Once
	addr    string
	initErr error
	mu      sync.Mutex
	nextDB  = 1
)

// URL returns a redis:// URL of an empty database for this test.
func URL(t testing.TB) string {
	t.Helper()
	if u := os.Getenv("ALTEGRAPH_TEST_REDIS_URL"); u != "" {
		return fresh(t, u)
	}
	once.Do(start)
	if initErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("redis-server is needed in CI: %v", initErr)
		}
		t.Skipf("redis-server not available: %v", initErr)
	}
	return fresh(t, "redis://"+addr)
}

// fresh picks the next database of the server and empties it.
func fresh(t testing.TB, base string) string {
	mu.Lock()
	db := nextDB
	nextDB = nextDB%15 + 1
	mu.Unlock()
	u := fmt.Sprintf("%s/%d", strings.TrimRight(base, "/"), db)
	opts, err := redis.ParseURL(u)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opts)
	defer c.Close()
	if err := c.FlushDB(context.Background()).Err(); err != nil {
		t.Fatalf("flush %s: %v", u, err)
	}
	return u
}

// start runs redis-server on a free port. The process lives as long as the
// test binary: --save "" and no appendonly keep it off the disk.
func start() {
	path, err := exec.LookPath("redis-server")
	if err != nil {
		initErr = err
		return
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		initErr = err
		return
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	dir, err := os.MkdirTemp("", "redistest")
	if err != nil {
		initErr = err
		return
	}
	cmd := exec.Command(path, "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--databases", "16")
	// Dies with the test binary instead of outliving it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		initErr = err
		return
	}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		signalled := false
		for sc.Scan() {
			if !signalled && strings.Contains(sc.Text(), "Ready to accept connections") {
				close(ready)
				signalled = true
			}
		}
	}()
	select {
	case <-ready:
		addr = fmt.Sprintf("127.0.0.1:%d", port)
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		initErr = fmt.Errorf("redis-server did not start within 10s")
	}
}
