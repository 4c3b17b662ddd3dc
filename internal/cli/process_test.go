package cli

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// goatdbBinary builds the command once per test run.
func goatdbBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "goatdb")
	cmd := exec.Command("go", "build", "-o", bin, "goatdb/cmd/goatdb")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startServe runs `goatdb serve` in its own process on 127.0.0.1 and
// returns its URL.
func startServe(t *testing.T, bin, dir string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--dir", dir, "--addr", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = nil
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed no URL: %v", err)
	}
	i := strings.Index(line, "http://")
	if i < 0 {
		t.Fatalf("no URL in %q", line)
	}
	return cmd, strings.TrimSpace(line[i:])
}

func runBin(t *testing.T, bin string, args ...string) string {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("goatdb %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestProcessesSyncAndHealAServer runs real processes on 127.0.0.1: a
// server, and clients that write and sync with the shell commands. The
// server is then killed with SIGKILL and loses its repositories (its
// identity, settings.json, is restored from elsewhere); a client's next
// sync gives everything back.
func TestProcessesSyncAndHealAServer(t *testing.T) {
	bin := goatdbBinary(t)
	schemaFile := filepath.Join(t.TempDir(), "s.json")
	os.WriteFile(schemaFile, []byte(taskSchema), 0o644)
	serverDir, a, b := t.TempDir(), t.TempDir(), t.TempDir()
	runBin(t, bin, "put", "--dir", serverDir, "--schema", schemaFile, "/data/tasks/seed", `{"title":"from the server"}`)
	srv, url := startServe(t, bin, serverDir)

	runBin(t, bin, "put", "--dir", a, "--schema", schemaFile, "/data/tasks/t1", `{"title":"written offline on a"}`)
	out := runBin(t, bin, "sync", "--dir", a, "--peer", url)
	if !strings.Contains(out, "refused 0") {
		t.Fatalf("a's sync: %s", out)
	}
	runBin(t, bin, "sync", "--dir", b, "--schema", schemaFile, "--peer", url, "/data/tasks")
	for _, key := range []string{"t1", "seed"} {
		if got := runBin(t, bin, "get", "--dir", b, "/data/tasks/"+key); !strings.Contains(got, `"title"`) {
			t.Fatalf("b lacks %s: %s", key, got)
		}
	}

	// Power loss and a lost disk; the server's identity survives.
	srv.Process.Signal(syscall.SIGKILL)
	srv.Wait()
	settings, err := os.ReadFile(filepath.Join(serverDir, "settings.json"))
	if err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(serverDir)
	os.MkdirAll(serverDir, 0o755)
	os.WriteFile(filepath.Join(serverDir, "settings.json"), settings, 0o600)
	_, url = startServe(t, bin, serverDir)

	runBin(t, bin, "sync", "--dir", a, "--peer", url)
	// A fresh client now gets everything from the healed server.
	c := t.TempDir()
	runBin(t, bin, "sync", "--dir", c, "--schema", schemaFile, "--peer", url, "/data/tasks")
	for _, key := range []string{"t1", "seed"} {
		got := runBin(t, bin, "get", "--dir", c, "/data/tasks/"+key)
		if !strings.Contains(got, `"title"`) {
			t.Fatalf("the healed server lost %s: %s", key, got)
		}
	}
}
