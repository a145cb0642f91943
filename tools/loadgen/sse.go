package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/url"
	"os"
	"strings"
)

// SSE mode: finite event streams (GET, text/event-stream) opened at a fixed rate on the HTTP
// engine's keep-alive pool, each read to its end and checked (byte for byte against an expected
// body, or by its number of events). Besides the whole stream's time it records the time to the
// first complete event, both from the stream's intended start.

type sseSettings struct {
	httpSettings
	ExpectBodyFile  string `json:"expect_body_file"`
	ExpectBodyBytes int    `json:"expect_body_bytes"`
	ExpectEvents    int64  `json:"expect_events"`
}

type sseOptions struct {
	httpOptions
	ExpectBodyFile string
	ExpectEvents   int64
}

// sseSpec is what every stream must carry.
type sseSpec struct {
	body   []byte // the exact body, or nil: only the events are counted
	events int64
}

// checkError is a stream that is not what was expected; kind is its errors_by_kind key.
type checkError struct{ kind, msg string }

func (e *checkError) Error() string { return e.msg }

// sseCheck follows one stream's body as it arrives: it compares it with the expected body and
// counts its events as the EventSource parsing rules dispatch them — lines end with CRLF, LF or CR;
// an empty line ends an event when the lines before it gave a `data` field (comments and other
// fields alone dispatch nothing).
type sseCheck struct {
	spec      *sseSpec
	offset    int64 // body bytes so far
	events    int64
	lineLen   int
	dataMatch int  // how much of "data" (then 5: "data:") the line starts with
	afterCR   bool // the last byte was a CR (an LF right after it belongs to the same line end)
	hasData   bool // the event being read has a data field
}

func (s *sseCheck) reset() { *s = sseCheck{spec: s.spec} }

func (s *sseCheck) body(b []byte) error {
	if want := s.spec.body; want != nil {
		if s.offset+int64(len(b)) > int64(len(want)) {
			return &checkError{"mismatch", fmt.Sprintf("body longer than the expected %d bytes", len(want))}
		}
		exp := want[s.offset : s.offset+int64(len(b))]
		for i := range b {
			if b[i] != exp[i] {
				return &checkError{"mismatch", fmt.Sprintf("first difference at byte %d (got 0x%02x, expected 0x%02x)", s.offset+int64(i), b[i], exp[i])}
			}
		}
	}
	s.offset += int64(len(b))
	for _, c := range b {
		switch {
		case c == '\n' && s.afterCR:
			s.afterCR = false
		case c == '\n' || c == '\r':
			s.afterCR = c == '\r'
			s.endLine()
		default:
			s.afterCR = false
			switch {
			case s.lineLen < 4 && s.dataMatch == s.lineLen && c == "data"[s.lineLen]:
				s.dataMatch++
			case s.lineLen == 4 && s.dataMatch == 4 && c == ':':
				s.dataMatch = 5
			}
			s.lineLen++
		}
	}
	if s.events > s.spec.events {
		return &checkError{"events", fmt.Sprintf("more than the expected %d events", s.spec.events)}
	}
	return nil
}

func (s *sseCheck) endLine() {
	switch {
	case s.lineLen == 0:
		if s.hasData {
			s.events++
		}
		s.hasData = false
	case s.dataMatch == 5 || (s.dataMatch == 4 && s.lineLen == 4):
		s.hasData = true
	}
	s.lineLen, s.dataMatch = 0, 0
}

// verdict on a stream whose response is complete: nil when it is what was expected.
func (s *sseCheck) verdict(eventStream bool) *checkError {
	switch {
	case !eventStream:
		return &checkError{"content_type", "the response's Content-Type is not text/event-stream"}
	case s.spec.body != nil && s.offset != int64(len(s.spec.body)):
		return &checkError{"mismatch", fmt.Sprintf("body ended after %d of the expected %d bytes", s.offset, len(s.spec.body))}
	case s.events != s.spec.events:
		return &checkError{"events", fmt.Sprintf("%d events, expected %d", s.events, s.spec.events)}
	}
	return nil
}

// sseEvents is the number of events a whole body dispatches.
func sseEvents(body []byte) int64 {
	s := sseCheck{spec: &sseSpec{events: math.MaxInt64}}
	_ = s.body(body)
	return s.events
}

func runSSE(args []string, stdout, stderr io.Writer) int {
	var o sseOptions
	fs := flag.NewFlagSet("sse", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o.register(fs)
	fs.Var(&o.Headers, "header", "request header name:value (repeatable)")
	fs.IntVar(&o.ExpectStatus, "expect-status", 200, "any other status is an error")
	fs.StringVar(&o.ExpectBodyFile, "expect-body-file", "", "every stream's body must be exactly this file's bytes")
	fs.Int64Var(&o.ExpectEvents, "expect-events", 0, "every stream must carry exactly this many events (default: those of --expect-body-file)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: loadgen sse --url http://HOST:PORT/PATH --rate R (--expect-body-file F | --expect-events N) [flags]\n\n"+
			"Finite event streams opened at --rate streams/s (open model), each read to its end and checked.\n\n")
		fs.PrintDefaults()
	}
	if ok, code := parseFlags(fs, args, stderr); !ok {
		return code
	}
	fail := func(err error) int { fmt.Fprintf(stderr, "loadgen sse: error: %v\n", err); return 2 }
	if err := o.validate(); err != nil {
		return fail(err)
	}
	if o.Rate <= 0 {
		return fail(errors.New("--rate must be > 0"))
	}
	if o.ExpectStatus < 100 || o.ExpectStatus > 599 {
		return fail(errors.New("--expect-status must be 100 .. 599"))
	}
	u, err := url.Parse(o.URL)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return fail(fmt.Errorf("--url must be http://host:port/path (https is not supported), got %q", o.URL))
	}
	spec := &sseSpec{events: o.ExpectEvents}
	if o.ExpectBodyFile != "" {
		if spec.body, err = os.ReadFile(o.ExpectBodyFile); err != nil {
			return fail(err)
		}
		n := sseEvents(spec.body)
		if o.ExpectEvents != 0 && o.ExpectEvents != n {
			return fail(fmt.Errorf("--expect-events %d, but --expect-body-file has %d events", o.ExpectEvents, n))
		}
		spec.events = n
	}
	if spec.events < 1 {
		return fail(errors.New("--expect-body-file (with at least one event) or --expect-events >= 1 is required"))
	}
	o.Method = "GET"
	has := false
	for _, h := range o.Headers {
		if name, _, _ := strings.Cut(h, ":"); strings.EqualFold(name, "accept") {
			has = true
		}
	}
	if !has { // as EventSource sends it
		o.Headers = append(headerList{"Accept: text/event-stream"}, o.Headers...)
	}
	rep := sseLoad(&o, u, spec)
	return rep.emit(o.Out, stdout, stderr)
}

func sseLoad(o *sseOptions, u *url.URL, spec *sseSpec) *Report {
	clk := newClock()
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "80")
	}
	res := runHTTPLoop(&o.httpOptions, clk, addr, buildRequest(&o.httpOptions, u, nil), spec)

	settings := sseSettings{
		httpSettings: httpSettings{
			URL: o.URL, Method: o.Method, Headers: append([]string{}, o.Headers...),
			Rate: o.Rate, Connections: o.Connections, DurationS: o.Duration.Seconds(), WarmupS: o.Warmup.Seconds(),
			ExpectStatus: o.ExpectStatus, TimeoutS: o.Timeout.Seconds(),
			LateBoundUs: float64(o.LateBound) / 1e3, DropAfterUs: float64(o.DropAfter) / 1e3,
		},
		ExpectBodyFile: o.ExpectBodyFile, ExpectBodyBytes: len(spec.body), ExpectEvents: spec.events,
	}
	rep := rateReport("sse-rate", "stream", settings, &settings.httpSettings, &o.httpOptions, clk, res)
	first := latencyFrom(res.first)
	events := res.events
	var eventsRate float64
	if rep.DurationS > 0 {
		eventsRate = math.Round(float64(events)/rep.DurationS*100) / 100
	}
	rep.Events, rep.EventsRate, rep.FirstEventUs = &events, &eventsRate, &first
	return rep
}
