package cli

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestServeHealthAndGracefulStop(t *testing.T) {
	dir := t.TempDir()
	schemaFile := filepath.Join(t.TempDir(), "s.json")
	os.WriteFile(schemaFile, []byte(taskSchema), 0o644)
	if _, e, code := run(t, "put", "--dir", dir, "--schema", schemaFile, "/data/tasks/t1", `{"title":"x"}`); code != 0 {
		t.Fatal(e)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--dir", dir, "--addr", "127.0.0.1:0"}, strings.NewReader(""), outW, io.Discard)
		outW.Close()
	}()
	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil {
		t.Fatalf("no URL printed: %v", err)
	}
	i := strings.Index(line, "http://")
	if i < 0 {
		t.Fatalf("no URL in %q", line)
	}
	url := strings.TrimSpace(line[i:])
	go io.Copy(io.Discard, outR)
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(url + "/healthy")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "OK" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("healthy: %d %q", resp.StatusCode, body)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	// The directory is intact and checks clean after the stop.
	if out, _, code := run(t, "check", "--dir", dir); code != 0 {
		t.Fatal(out)
	}
}
