package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gobwas/ws"
)

// ---- an in-process WebSocket echo server with switchable faults ----------------------------------

type echoBehaviour struct {
	corruptAt  int64 // flip one byte of the Nth data message (1-based); 0 = never
	closeAt    int64 // after N echoes send close 1011 and hang up; 0 = never
	swallow    bool  // never answer
	fragment   bool  // echo each message as two frames
	pingFirst  bool  // send a ping before every echo
	dataFrames atomic.Int64
}

func echoServer(t *testing.T, b *echoBehaviour) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, rw, _, err := ws.UpgradeHTTP(r, w)
		if err != nil {
			return
		}
		defer conn.Close()
		var br io.Reader = conn
		if rw != nil {
			br = rw.Reader
		}
		out := bufio.NewWriter(conn)
		for {
			h, err := ws.ReadHeader(br)
			if err != nil {
				return
			}
			p := make([]byte, h.Length)
			if _, err := io.ReadFull(br, p); err != nil {
				return
			}
			if h.Masked {
				ws.Cipher(p, h.Mask, 0)
			}
			switch h.OpCode {
			case ws.OpClose:
				_ = ws.WriteFrame(out, ws.NewCloseFrame(p))
				_ = out.Flush()
				return
			case ws.OpPong, ws.OpPing:
				continue
			}
			if b.swallow {
				continue
			}
			n := b.dataFrames.Add(1)
			if b.closeAt > 0 && n > b.closeAt {
				_ = ws.WriteFrame(out, ws.NewCloseFrame(ws.NewCloseFrameBody(ws.StatusInternalServerError, "bye")))
				_ = out.Flush()
				return
			}
			if n == b.corruptAt && len(p) > 0 {
				p[len(p)-1] ^= 0x01
			}
			if b.pingFirst {
				_ = ws.WriteFrame(out, ws.NewPingFrame([]byte("hi")))
			}
			if b.fragment && len(p) > 1 {
				_ = ws.WriteHeader(out, ws.Header{Fin: false, OpCode: h.OpCode, Length: int64(len(p) / 2)})
				_, _ = out.Write(p[:len(p)/2])
				_ = ws.WriteHeader(out, ws.Header{Fin: true, OpCode: ws.OpContinuation, Length: int64(len(p) - len(p)/2)})
				_, _ = out.Write(p[len(p)/2:])
			} else {
				_ = ws.WriteHeader(out, ws.Header{Fin: true, OpCode: h.OpCode, Length: int64(len(p))})
				_, _ = out.Write(p)
			}
			if err := out.Flush(); err != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"
}

// runJSON runs the command with --out and returns its exit status, the parsed report and stderr.
func runJSON(t *testing.T, args ...string) (int, map[string]any, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out.json")
	var stdout, stderr bytes.Buffer
	start := time.Now()
	code := run(append(args, "--out", out), &stdout, &stderr)
	t.Logf("exit %d in %v: %s", code, time.Since(start).Round(time.Millisecond), strings.TrimSpace(stderr.String()))
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("no report written (exit %d): %v\n%s", code, err, stderr.String())
	}
	var rep map[string]any
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, data)
	}
	return code, rep, stderr.String()
}

func num(t *testing.T, rep map[string]any, path string) float64 {
	t.Helper()
	var v any = rep
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s: %v is not an object", path, v)
		}
		if v, ok = m[k]; !ok {
			t.Fatalf("%s: missing", path)
		}
	}
	f, ok := v.(float64)
	if !ok {
		t.Fatalf("%s = %v (%T), want a number", path, v, v)
	}
	return f
}

func errorsOfKind(rep map[string]any, kind string) float64 {
	m, _ := rep["errors_by_kind"].(map[string]any)
	f, _ := m[kind].(float64)
	return f
}

// ---- WebSocket ------------------------------------------------------------------------------------

func TestWSClosed(t *testing.T) {
	url := echoServer(t, &echoBehaviour{})
	code, rep, _ := runJSON(t, "ws", "--url", url, "--connections", "4", "--duration", "600ms", "--warmup", "150ms",
		"--size", "100", "--frames-per-write", "3")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	completed := num(t, rep, "completed")
	if completed < 30 || int64(completed)%3 != 0 {
		t.Fatalf("completed = %v: want many, in whole batches of 3", completed)
	}
	if got := num(t, rep, "latency_us.count"); got != completed {
		t.Fatalf("latency count %v != completed %v", got, completed)
	}
	if num(t, rep, "errors") != 0 || num(t, rep, "warmup.completed") == 0 {
		t.Fatalf("errors %v, warm-up completed %v", rep["errors"], num(t, rep, "warmup.completed"))
	}
	if rep["mode"] != "ws-closed" || rep["offered_rate"] != nil || rep["service_time_us"] != nil || rep["ok"] != true {
		t.Fatalf("mode %v offered %v service %v ok %v", rep["mode"], rep["offered_rate"], rep["service_time_us"], rep["ok"])
	}
	if r := num(t, rep, "rate_achieved"); r < completed/0.6*0.99 || r > completed/0.6*1.01 {
		t.Fatalf("rate_achieved %v for %v in 0.6 s", r, completed)
	}
}

func TestWSClosedBinaryFragmentedLargeWithPings(t *testing.T) {
	url := echoServer(t, &echoBehaviour{fragment: true, pingFirst: true})
	code, rep, _ := runJSON(t, "ws", "--url", url, "--connections", "2", "--duration", "400ms", "--warmup", "0s",
		"--size", "70000", "--binary", "--frames-per-write", "2")
	if code != 0 || num(t, rep, "completed") < 2 {
		t.Fatalf("exit %d, completed %v", code, rep["completed"])
	}
}

func TestWSRateDeliversTheSchedule(t *testing.T) {
	url := echoServer(t, &echoBehaviour{})
	code, rep, _ := runJSON(t, "ws", "--url", url, "--mode", "rate", "--rate", "2000", "--connections", "4",
		"--duration", "1s", "--warmup", "200ms", "--frames-per-write", "2", "--size", "32")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	scheduled, completed, dropped := num(t, rep, "scheduled"), num(t, rep, "completed"), num(t, rep, "dropped")
	if scheduled < 1998 || scheduled > 2002 {
		t.Fatalf("scheduled = %v, want 2000 (2000/s for 1 s)", scheduled)
	}
	if completed+dropped != scheduled {
		t.Fatalf("completed %v + dropped %v != scheduled %v", completed, dropped, scheduled)
	}
	if completed < 0.95*scheduled {
		t.Fatalf("completed %v of %v scheduled", completed, scheduled)
	}
	if rep["latency_from"] != "intended_send_time" || num(t, rep, "service_time_us.count") != completed {
		t.Fatalf("latency_from %v, service_time_us %v", rep["latency_from"], rep["service_time_us"])
	}
	if r := num(t, rep, "rate_achieved"); r < 1900 || r > 2010 {
		t.Fatalf("rate_achieved %v", r)
	}
}

func TestWSWrongEchoFails(t *testing.T) {
	for _, mode := range []string{"closed", "rate"} {
		t.Run(mode, func(t *testing.T) {
			url := echoServer(t, &echoBehaviour{corruptAt: 40})
			args := []string{"ws", "--url", url, "--mode", mode, "--connections", "2", "--duration", "500ms", "--warmup", "0s"}
			if mode == "rate" {
				args = append(args, "--rate", "500")
			}
			code, rep, stderr := runJSON(t, args...)
			if code != 1 {
				t.Fatalf("exit %d, want 1", code)
			}
			if num(t, rep, "errors") < 1 || errorsOfKind(rep, "mismatch") != 1 || rep["ok"] != false {
				t.Fatalf("errors %v by kind %v ok %v", rep["errors"], rep["errors_by_kind"], rep["ok"])
			}
			if !strings.Contains(stderr, "first difference at byte 63") {
				t.Fatalf("stderr lacks the mismatch detail:\n%s", stderr)
			}
		})
	}
}

func TestWSServerCloseAndTimeoutFail(t *testing.T) {
	url := echoServer(t, &echoBehaviour{closeAt: 20})
	code, rep, _ := runJSON(t, "ws", "--url", url, "--connections", "1", "--duration", "300ms", "--warmup", "0s")
	if code != 1 || errorsOfKind(rep, "closed") != 1 {
		t.Fatalf("close: exit %d errors %v", code, rep["errors_by_kind"])
	}
	url = echoServer(t, &echoBehaviour{swallow: true})
	start := time.Now()
	code, rep, _ = runJSON(t, "ws", "--url", url, "--mode", "rate", "--rate", "100", "--connections", "2",
		"--duration", "300ms", "--warmup", "0s", "--timeout", "200ms")
	if code != 1 || errorsOfKind(rep, "timeout") != 2 {
		t.Fatalf("swallow: exit %d errors %v", code, rep["errors_by_kind"])
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("took %v to give up", d)
	}
}

func TestWSConnectFailure(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	code, rep, _ := runJSON(t, "ws", "--url", "ws://"+addr+"/ws", "--connections", "2", "--duration", "100ms", "--warmup", "0s")
	if code != 1 || errorsOfKind(rep, "connect") != 2 {
		t.Fatalf("exit %d errors %v", code, rep["errors_by_kind"])
	}
}

// ---- HTTP -----------------------------------------------------------------------------------------

func httpServer(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestHTTPRate(t *testing.T) {
	var n atomic.Int64
	url := httpServer(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"message":"Hello, World!"}`))
	})
	code, rep, _ := runJSON(t, "http", "--url", url+"/json", "--rate", "1000", "--connections", "8",
		"--duration", "1s", "--warmup", "200ms")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	scheduled, completed := num(t, rep, "scheduled"), num(t, rep, "completed")
	if scheduled < 999 || scheduled > 1001 || completed+num(t, rep, "dropped") != scheduled || completed < 950 {
		t.Fatalf("scheduled %v completed %v dropped %v", scheduled, completed, rep["dropped"])
	}
	if num(t, rep, "status_codes.200") != completed || num(t, rep, "warmup.completed") < 150 {
		t.Fatalf("status codes %v, warm-up %v", rep["status_codes"], rep["warmup"])
	}
	if int64(completed+num(t, rep, "warmup.completed")) != n.Load() {
		t.Fatalf("server saw %d requests, report %v + %v", n.Load(), completed, num(t, rep, "warmup.completed"))
	}
	if num(t, rep, "connections.opened") != 8 || num(t, rep, "connections.reconnects") != 0 {
		t.Fatalf("connections %v", rep["connections"])
	}
}

func TestHTTPPostChunkedConnectionCloseHead(t *testing.T) {
	body := []byte(`{"a":[1,2,3],"b":"x"}`)
	file := filepath.Join(t.TempDir(), "body.json")
	if err := os.WriteFile(file, body, 0o644); err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	url := httpServer(t, func(w http.ResponseWriter, r *http.Request) {
		got, _ := io.ReadAll(r.Body)
		if r.Method == http.MethodHead {
			w.Header().Set("Content-Length", "1000")
			return
		}
		if !bytes.Equal(got, body) || r.Header.Get("X-Test") != "a b:c" || r.Method != http.MethodPost {
			w.WriteHeader(400)
			return
		}
		if n.Add(1)%3 == 0 {
			w.Header().Set("Connection", "close")
		}
		_, _ = w.Write(got)
		w.(http.Flusher).Flush() // chunked from here on
		_, _ = w.Write(bytes.Repeat([]byte("z"), 5000))
	})
	code, rep, _ := runJSON(t, "http", "--url", url+"/echo", "--method", "POST", "--body-file", file,
		"--header", "X-Test: a b:c", "--header", "content-type:application/json", "--rate", "300",
		"--connections", "4", "--duration", "500ms", "--warmup", "100ms")
	if code != 0 || num(t, rep, "completed") < 140 || num(t, rep, "connections.reconnects") < 30 {
		t.Fatalf("exit %d completed %v connections %v", code, rep["completed"], rep["connections"])
	}
	code, rep, _ = runJSON(t, "http", "--url", url+"/x", "--method", "HEAD", "--rate", "200",
		"--connections", "2", "--duration", "300ms", "--warmup", "0s")
	if code != 0 || num(t, rep, "completed") < 55 {
		t.Fatalf("HEAD: exit %d completed %v", code, rep["completed"])
	}
}

func TestHTTPUnexpectedStatusFails(t *testing.T) {
	url := httpServer(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) })
	code, rep, _ := runJSON(t, "http", "--url", url, "--rate", "200", "--connections", "2", "--duration", "300ms", "--warmup", "0s")
	if code != 1 || errorsOfKind(rep, "status_500") < 55 || num(t, rep, "completed") != 0 || num(t, rep, "status_codes.500") < 55 {
		t.Fatalf("exit %d errors %v completed %v", code, rep["errors_by_kind"], rep["completed"])
	}
	code, _, _ = runJSON(t, "http", "--url", url, "--rate", "200", "--connections", "2", "--duration", "300ms",
		"--warmup", "0s", "--expect-status", "500")
	if code != 0 {
		t.Fatalf("--expect-status 500: exit %d", code)
	}
}

func TestHTTPDropsWhenEveryConnectionIsBusy(t *testing.T) {
	url := httpServer(t, func(w http.ResponseWriter, r *http.Request) { time.Sleep(100 * time.Millisecond) })
	code, rep, _ := runJSON(t, "http", "--url", url, "--rate", "200", "--connections", "1", "--duration", "500ms",
		"--warmup", "0s", "--drop-after", "10ms")
	scheduled, completed, dropped := num(t, rep, "scheduled"), num(t, rep, "completed"), num(t, rep, "dropped")
	if code != 0 || completed < 3 || completed > 7 || completed+dropped != scheduled {
		t.Fatalf("exit %d: scheduled %v completed %v dropped %v", code, scheduled, completed, dropped)
	}
	// Latency from the intended send time: at least the 100 ms the server takes.
	if p50 := num(t, rep, "latency_us.p50"); p50 < 100000 {
		t.Fatalf("p50 %v µs", p50)
	}
}

// ---- the report and the command line ----------------------------------------------------------------

func TestReportSchema(t *testing.T) {
	url := httpServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })
	_, rep, _ := runJSON(t, "http", "--url", url, "--rate", "500", "--connections", "2", "--duration", "300ms", "--warmup", "100ms")
	wsURL := echoServer(t, &echoBehaviour{})
	_, wsRep, _ := runJSON(t, "ws", "--url", wsURL, "--mode", "rate", "--rate", "500", "--connections", "2",
		"--duration", "300ms", "--warmup", "100ms")
	for _, r := range []map[string]any{rep, wsRep} {
		if num(t, r, "schema_version") != SchemaVersion {
			t.Fatalf("schema_version %v", r["schema_version"])
		}
		for _, k := range []string{"tool", "mode", "unit", "settings", "errors_by_kind", "error_samples", "latency_from", "ok"} {
			if _, ok := r[k]; !ok {
				t.Fatalf("missing %q", k)
			}
		}
		for _, k := range []string{"measured_start_unix_ns", "measured_end_unix_ns", "duration_s", "offered_rate", "scheduled",
			"completed", "rate_achieved", "errors", "dropped", "late", "late_bound_us", "drop_after_us",
			"cpu.user_ns", "cpu.system_ns", "cpu.total_ns", "cpu.wall_ns", "cpu.cores", "cpu.us_per_unit",
			"warmup.completed", "warmup.errors", "connections.requested", "connections.opened"} {
			num(t, r, k)
		}
		for _, p := range []string{"latency_us", "service_time_us"} {
			for _, k := range []string{"count", "min", "mean", "p50", "p90", "p95", "p99", "p999", "max"} {
				num(t, r, p+"."+k)
			}
			if !(num(t, r, p+".p50") <= num(t, r, p+".p99") && num(t, r, p+".p99") <= num(t, r, p+".max")) {
				t.Fatalf("%s not monotonic: %v", p, r[p])
			}
		}
		start, end := num(t, r, "measured_start_unix_ns"), num(t, r, "measured_end_unix_ns")
		if d := (end - start) / 1e9; d < 0.299 || d > 0.301 || start < float64(time.Now().Add(-time.Minute).UnixNano()) {
			t.Fatalf("measured phase %v .. %v", start, end)
		}
		if num(t, r, "cpu.total_ns") <= 0 || num(t, r, "cpu.us_per_unit") <= 0 {
			t.Fatalf("cpu %v", r["cpu"])
		}
	}
	if rep["mode"] != "http-rate" || rep["unit"] != "request" || wsRep["mode"] != "ws-rate" || wsRep["unit"] != "message" {
		t.Fatalf("modes %v %v", rep["mode"], wsRep["mode"])
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{
		{}, {"nope"}, {"ws"}, {"ws", "--url", "http://x/ws"}, {"ws", "--url", "ws://x/ws", "--mode", "rate"},
		{"ws", "--url", "ws://x/ws", "--rate", "5"}, {"http", "--url", "http://x/"}, {"http", "--url", "ftp://x/", "--rate", "1"},
		{"http", "--url", "http://x/", "--rate", "1", "--header", "nocolon"}, {"ws", "--bogus"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 2 {
			t.Fatalf("%q: exit %d, want 2 (%s)", args, code, stderr.String())
		}
	}
	var stdout bytes.Buffer
	if code := run([]string{"version"}, &stdout, io.Discard); code != 0 || stdout.String() != fmt.Sprintf("loadgen %s\n", version) {
		t.Fatalf("version: %d %q", code, stdout.String())
	}
}

func TestResponseParserIncremental(t *testing.T) {
	cases := []struct {
		name, resp    string
		head          bool
		status        int
		closeConn     bool
		needsEOF      bool
		wantMalformed bool
	}{
		{name: "length", resp: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", status: 200},
		{name: "chunked", resp: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n", status: 200},
		{name: "interim", resp: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 2\r\nConnection: close\r\n\r\nok", status: 201, closeConn: true},
		{name: "head", resp: "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", head: true, status: 200},
		{name: "204", resp: "HTTP/1.1 204 No Content\r\n\r\n", status: 204},
		{name: "http10", resp: "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx", status: 200, closeConn: true},
		{name: "http10-keepalive", resp: "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx", status: 200},
		{name: "lf-only", resp: "HTTP/1.1 200 OK\nContent-Length: 2\n\nhi", status: 200},
		{name: "until-eof", resp: "HTTP/1.1 200 OK\r\n\r\nbody until the end", status: 200, closeConn: true, needsEOF: true},
		{name: "garbage", resp: "SSH-2.0-OpenSSH\r\n\r\n", wantMalformed: true},
		{name: "bad-length", resp: "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", wantMalformed: true},
	}
	for _, tc := range cases {
		for _, step := range []int{len(tc.resp), 1, 7} {
			var p respParser
			p.reset(tc.head)
			buf := []byte{}
			consumed, done := 0, false
			var err error
			for i := 0; i < len(tc.resp) && !done && err == nil; i += step {
				buf = append(buf, tc.resp[i:min(i+step, len(tc.resp))]...)
				var n int
				n, done, err = p.feed(buf)
				consumed += n
				buf = buf[n:]
			}
			if tc.wantMalformed {
				if !errors.Is(err, errMalformed) {
					t.Fatalf("%s/%d: err %v, want malformed", tc.name, step, err)
				}
				continue
			}
			if tc.needsEOF {
				done = !done && err == nil && p.eof()
			}
			if err != nil || !done || p.status != tc.status || p.closeConn != tc.closeConn || (!tc.needsEOF && (consumed != len(tc.resp) || len(buf) != 0)) {
				t.Fatalf("%s/%d: err %v done %v status %d close %v consumed %d of %d", tc.name, step, err, done, p.status, p.closeConn, consumed, len(tc.resp))
			}
		}
	}
}

func TestHTTPTimeoutAndStaleKeepAlive(t *testing.T) {
	// A server that never answers: every request times out, and the run still ends on time.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { _, _ = io.Copy(io.Discard, c) }()
		}
	}()
	start := time.Now()
	code, rep, _ := runJSON(t, "http", "--url", "http://"+ln.Addr().String()+"/", "--rate", "50", "--connections", "2",
		"--duration", "300ms", "--warmup", "0s", "--timeout", "200ms")
	if code != 1 || errorsOfKind(rep, "timeout") < 2 || time.Since(start) > 3*time.Second {
		t.Fatalf("exit %d errors %v after %v", code, rep["errors_by_kind"], time.Since(start))
	}

	// A server that closes idle keep-alive connections after 20 ms: requests on them are retried
	// once on a fresh connection, not counted as errors.
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) }))
	srv.Config.IdleTimeout = 20 * time.Millisecond
	srv.Start()
	defer srv.Close()
	code, rep, _ = runJSON(t, "http", "--url", srv.URL, "--rate", "40", "--connections", "2", "--duration", "500ms", "--warmup", "0s")
	if code != 0 || num(t, rep, "completed") != 20 || num(t, rep, "connections.reconnects") < 5 {
		t.Fatalf("exit %d completed %v connections %v", code, rep["completed"], rep["connections"])
	}
}

func TestHTTPLargeBodies(t *testing.T) {
	// Requests larger than the socket buffer (partial writes finished on EPOLLOUT) and large
	// responses (read across many reads).
	body := bytes.Repeat([]byte("0123456789abcdef"), 256<<10) // 4 MiB
	file := filepath.Join(t.TempDir(), "big.bin")
	if err := os.WriteFile(file, body, 0o644); err != nil {
		t.Fatal(err)
	}
	url := httpServer(t, func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		if n != int64(len(body)) {
			w.WriteHeader(400)
			return
		}
		_, _ = w.Write(bytes.Repeat([]byte("y"), 1<<20))
	})
	code, rep, _ := runJSON(t, "http", "--url", url, "--method", "PUT", "--body-file", file, "--rate", "20",
		"--connections", "2", "--duration", "500ms", "--warmup", "0s")
	if code != 0 || num(t, rep, "completed") != 10 || num(t, rep, "settings.body_bytes") != float64(len(body)) {
		t.Fatalf("exit %d completed %v", code, rep["completed"])
	}
}
