package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// sseBody is the catalogue's body of /sse?events=n (contract/catalogue.ts sseBody).
func sseBody(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "id: %d\ndata: {\"seq\":%d,\"total\":%d}\n\n", i, i, n)
	}
	return b.String()
}

// sseServer streams `body` as an event stream, one flush per event, each after `gap`; `streams`
// counts the streams it began.
func sseServer(t *testing.T, contentType string, gap time.Duration, body func(i int64) string, streams *atomic.Int64) string {
	t.Helper()
	return httpServer(t, func(w http.ResponseWriter, r *http.Request) {
		i := streams.Add(1)
		if r.Header.Get("Accept") != "text/event-stream" {
			w.WriteHeader(406)
			return
		}
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Cache-Control", "no-cache")
		for _, event := range strings.SplitAfter(body(i), "\n\n") {
			if event == "" {
				continue
			}
			time.Sleep(gap)
			_, _ = w.Write([]byte(event))
			w.(http.Flusher).Flush()
		}
	})
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSSERateDeliversTheScheduleAndChecksEveryStream(t *testing.T) {
	var streams atomic.Int64
	url := sseServer(t, "text/event-stream; charset=utf-8", 0, func(int64) string { return sseBody(20) }, &streams)
	expect := writeFile(t, "sse.txt", sseBody(20))
	code, rep, _ := runJSON(t, "sse", "--url", url+"/sse?events=20&interval_ms=0", "--rate", "400",
		"--connections", "8", "--duration", "1s", "--warmup", "200ms", "--expect-body-file", expect)
	if code != 0 || rep["mode"] != "sse-rate" || rep["unit"] != "stream" {
		t.Fatalf("exit %d mode %v unit %v", code, rep["mode"], rep["unit"])
	}
	scheduled, completed, dropped := num(t, rep, "scheduled"), num(t, rep, "completed"), num(t, rep, "dropped")
	if scheduled < 399 || scheduled > 401 || completed+dropped != scheduled || completed < 380 {
		t.Fatalf("scheduled %v completed %v dropped %v", scheduled, completed, dropped)
	}
	if int64(completed+num(t, rep, "warmup.completed")) != streams.Load() {
		t.Fatalf("server began %d streams, report %v + %v", streams.Load(), completed, num(t, rep, "warmup.completed"))
	}
	if num(t, rep, "events") != 20*completed || num(t, rep, "settings.expect_events") != 20 ||
		num(t, rep, "settings.expect_body_bytes") != float64(len(sseBody(20))) {
		t.Fatalf("events %v of %v streams, settings %v", rep["events"], completed, rep["settings"])
	}
	if er := num(t, rep, "events_rate"); er != 20*num(t, rep, "rate_achieved") {
		t.Fatalf("events_rate %v, rate_achieved %v", er, rep["rate_achieved"])
	}
	for _, k := range []string{"count", "min", "mean", "p50", "p90", "p95", "p99", "p999", "max"} {
		num(t, rep, "first_event_us."+k)
	}
	// The first event of a stream arrives no later than its end.
	if num(t, rep, "first_event_us.count") != completed || num(t, rep, "first_event_us.p50") > num(t, rep, "latency_us.p50") ||
		num(t, rep, "first_event_us.max") > num(t, rep, "latency_us.max") {
		t.Fatalf("first event %v, whole stream %v", rep["first_event_us"], rep["latency_us"])
	}
	if num(t, rep, "cpu.us_per_unit") <= 0 || num(t, rep, "status_codes.200") != completed {
		t.Fatalf("cpu %v status %v", rep["cpu"], rep["status_codes"])
	}
}

func TestSSEFirstEventIsTimedApartFromTheWholeStream(t *testing.T) {
	// Five events 20 ms apart: each stream's end comes at least 80 ms after its first event.
	var streams atomic.Int64
	url := sseServer(t, "text/event-stream", 20*time.Millisecond, func(int64) string { return sseBody(5) }, &streams)
	code, rep, _ := runJSON(t, "sse", "--url", url, "--rate", "20", "--connections", "8", "--duration", "500ms",
		"--warmup", "0s", "--expect-events", "5")
	if code != 0 || num(t, rep, "completed") != 10 {
		t.Fatalf("exit %d completed %v", code, rep["completed"])
	}
	if first, whole := num(t, rep, "first_event_us.p50"), num(t, rep, "latency_us.p50"); first+79_000 > whole {
		t.Fatalf("first event p50 %v µs, whole stream p50 %v µs", first, whole)
	}
}

func TestSSEWrongStreamsFail(t *testing.T) {
	good := sseBody(10)
	expect := writeFile(t, "sse.txt", good)
	cases := []struct {
		name, contentType, kind string
		body                    func(i int64) string
		args                    []string
	}{
		{name: "one byte differs", kind: "mismatch", args: []string{"--expect-body-file", expect},
			body: func(i int64) string {
				if i%5 == 0 {
					return strings.Replace(good, `"seq":7`, `"seq":8`, 1)
				}
				return good
			}},
		{name: "an event short, by body", kind: "mismatch", args: []string{"--expect-body-file", expect},
			body: func(int64) string { return sseBody(9) }},
		{name: "an event short, by count", kind: "events", args: []string{"--expect-events", "10"},
			body: func(int64) string { return sseBody(9) }},
		{name: "an event too many, by count", kind: "events", args: []string{"--expect-events", "10"},
			body: func(int64) string { return sseBody(11) }},
		{name: "not an event stream", contentType: "text/plain", kind: "content_type", args: []string{"--expect-body-file", expect},
			body: func(int64) string { return good }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ct := tc.contentType
			if ct == "" {
				ct = "text/event-stream"
			}
			var streams atomic.Int64
			url := sseServer(t, ct, 0, tc.body, &streams)
			code, rep, _ := runJSON(t, append([]string{"sse", "--url", url, "--rate", "100", "--connections", "4",
				"--duration", "300ms", "--warmup", "0s"}, tc.args...)...)
			if code != 1 || rep["ok"] != false || errorsOfKind(rep, tc.kind) < 1 {
				t.Fatalf("exit %d ok %v errors %v %v", code, rep["ok"], rep["errors_by_kind"], rep["error_samples"])
			}
		})
	}
}

func TestSSEEventCounting(t *testing.T) {
	cases := []struct {
		body   string
		events int64
	}{
		{sseBody(3), 3},
		{"data: a\r\n\r\ndata: b\r\rdata:c\n\n", 3}, // CRLF, CR and LF line ends
		{"data\n\n", 1}, // a data field with no value
		{": keep-alive\n\nid: 1\nevent: x\n\nretry: 5\n\n", 0}, // comments and fields without data dispatch nothing
		{"database: x\n\ndat: y\n\n", 0},                       // not the data field
		{"data: a\ndata: b\n\n\n\ndata: c", 1},                 // one event over two lines; blank lines; an unfinished event
	}
	for _, tc := range cases {
		if got := sseEvents([]byte(tc.body)); got != tc.events {
			t.Fatalf("%q: %d events, want %d", tc.body, got, tc.events)
		}
		// Byte by byte, as a stream may arrive, against the body itself.
		s := sseCheck{spec: &sseSpec{body: []byte(tc.body), events: tc.events}}
		for i := range len(tc.body) {
			if err := s.body([]byte{tc.body[i]}); err != nil {
				t.Fatalf("%q: byte %d: %v", tc.body, i, err)
			}
		}
		if s.events != tc.events || (tc.events > 0 && s.verdict(true) != nil) {
			t.Fatalf("%q byte by byte: %d events, verdict %v", tc.body, s.events, s.verdict(true))
		}
	}
	s := sseCheck{spec: &sseSpec{body: []byte("data: a\n\n"), events: 1}}
	if err := s.body([]byte("data: b")); err == nil || !strings.Contains(err.Error(), "byte 6") {
		t.Fatalf("a differing byte: %v", err)
	}
}

func TestSSEUsage(t *testing.T) {
	expect := writeFile(t, "sse.txt", sseBody(3))
	for _, args := range [][]string{
		{"sse", "--url", "http://x/sse"},
		{"sse", "--url", "http://x/sse", "--rate", "5"},
		{"sse", "--url", "http://x/sse", "--rate", "5", "--expect-events", "0"},
		{"sse", "--url", "http://x/sse", "--rate", "5", "--expect-body-file", expect, "--expect-events", "4"},
		{"sse", "--url", "http://x/sse", "--rate", "5", "--expect-body-file", writeFile(t, "empty.txt", ": nothing\n\n")},
		{"sse", "--url", "ws://x/sse", "--rate", "5", "--expect-events", "3"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 2 {
			t.Fatalf("%q: exit %d, want 2 (%s)", args, code, stderr.String())
		}
	}
}

func TestHTTPReportHasNoSSEFields(t *testing.T) {
	url := httpServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })
	_, rep, _ := runJSON(t, "http", "--url", url, "--rate", "200", "--connections", "2", "--duration", "200ms", "--warmup", "0s")
	for _, k := range []string{"events", "events_rate", "first_event_us"} {
		if _, ok := rep[k]; ok {
			t.Fatalf("http report has %q", k)
		}
	}
}
