package conformance

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// harness is one running conformance/harness.ts: a Keel server plus a cutting proxy.
type harness struct {
	Target string  `json:"target"`
	Proxy  string  `json:"proxy"`
	APIKey string  `json:"api_key"`
	TLS    bool    `json:"tls"`
	CAFile *string `json:"ca_file"`

	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  *bufio.Scanner
	stderr *bytes.Buffer
	mu     sync.Mutex // one command at a time
}

// harnesses are started once per set of flags and shared by the cases that need them.
var (
	harnessMu sync.Mutex
	harnesses = map[string]*harness{}
)

// repoRoot finds the checkout's root: the first parent holding conformance/cases.json.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "conformance", "cases.json")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("conformance/cases.json not found above the working directory")
		}
		dir = parent
	}
}

// startHarness returns the shared harness for these flags, starting it on first use.
func startHarness(t *testing.T, args ...string) *harness {
	t.Helper()
	key := strings.Join(args, " ")
	harnessMu.Lock()
	defer harnessMu.Unlock()
	if h, ok := harnesses[key]; ok {
		return h
	}
	root := repoRoot(t)
	tsx := filepath.Join(root, "node_modules", ".bin", "tsx")
	if _, err := os.Stat(tsx); err != nil {
		if os.Getenv("KEEL_CONFORMANCE") == "require" {
			t.Fatalf("%s is missing: run npm ci at the repository root", tsx)
		}
		t.Skipf("%s is missing (run npm ci at the repository root; KEEL_CONFORMANCE=require makes this fail)", tsx)
	}
	cmd := exec.Command(tsx, append([]string{"conformance/harness.ts"}, args...)...)
	cmd.Dir = root
	h := &harness{cmd: cmd, stderr: &bytes.Buffer{}}
	cmd.Stderr = h.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if h.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h.lines = bufio.NewScanner(stdout)
	first := make(chan error, 1)
	go func() {
		if !h.lines.Scan() {
			first <- fmt.Errorf("the harness printed nothing: %v", h.lines.Err())
			return
		}
		first <- json.Unmarshal(h.lines.Bytes(), h)
	}()
	select {
	case err = <-first:
	case <-time.After(60 * time.Second):
		err = fmt.Errorf("the harness did not start within 60 s")
	}
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("conformance harness %v: %v\n%s", args, err, h.stderr.String())
	}
	harnesses[key] = h
	return h
}

// command sends one command line and returns the harness's one-line answer.
func (h *harness) command(t *testing.T, line string) string {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, err := fmt.Fprintln(h.stdin, line); err != nil {
		t.Fatalf("harness %q: %v", line, err)
	}
	if !h.lines.Scan() {
		t.Fatalf("harness %q: no answer (%v)\n%s", line, h.lines.Err(), h.stderr.String())
	}
	return h.lines.Text()
}

// stopHarnesses ends every harness (end of input shuts it down).
func stopHarnesses() {
	harnessMu.Lock()
	defer harnessMu.Unlock()
	for _, h := range harnesses {
		_ = h.stdin.Close()
		done := make(chan struct{})
		go func() { _ = h.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = h.cmd.Process.Kill()
			<-done
		}
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	stopHarnesses()
	os.Exit(code)
}
