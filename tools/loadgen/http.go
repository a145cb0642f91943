package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

type httpSettings struct {
	URL          string   `json:"url"`
	Method       string   `json:"method"`
	BodyFile     string   `json:"body_file"`
	BodyBytes    int      `json:"body_bytes"`
	Headers      []string `json:"headers"`
	Rate         float64  `json:"rate"`
	Connections  int      `json:"connections"`
	DurationS    float64  `json:"duration_s"`
	WarmupS      float64  `json:"warmup_s"`
	ExpectStatus int      `json:"expect_status"`
	TimeoutS     float64  `json:"timeout_s"`
	LateBoundUs  float64  `json:"late_bound_us"`
	DropAfterUs  float64  `json:"drop_after_us"`
}

type headerList []string

func (h *headerList) String() string { return strings.Join(*h, ", ") }
func (h *headerList) Set(v string) error {
	name, value, ok := strings.Cut(v, ":")
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	if !ok || name == "" || strings.ContainsAny(name, " \t\r\n") || strings.ContainsAny(value, "\r\n") {
		return fmt.Errorf("want name:value, got %q", v)
	}
	*h = append(*h, name+": "+value)
	return nil
}

type httpOptions struct {
	commonFlags
	Method       string
	BodyFile     string
	Headers      headerList
	ExpectStatus int
}

func runHTTP(args []string, stdout, stderr io.Writer) int {
	var o httpOptions
	fs := flag.NewFlagSet("http", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o.register(fs)
	fs.StringVar(&o.Method, "method", "GET", "request method")
	fs.StringVar(&o.BodyFile, "body-file", "", "send this file's bytes as the request body (Content-Length set)")
	fs.Var(&o.Headers, "header", "request header name:value (repeatable)")
	fs.IntVar(&o.ExpectStatus, "expect-status", 200, "any other status is an error")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: loadgen http --url http://HOST:PORT/PATH --rate R [flags]\n\nHTTP/1.1 keep-alive, open model at --rate requests/s.\n\n")
		fs.PrintDefaults()
	}
	if ok, code := parseFlags(fs, args, stderr); !ok {
		return code
	}
	fail := func(err error) int { fmt.Fprintf(stderr, "loadgen http: error: %v\n", err); return 2 }
	if err := o.validate(); err != nil {
		return fail(err)
	}
	if o.Rate <= 0 {
		return fail(errors.New("--rate must be > 0"))
	}
	if o.Method == "" || strings.ContainsAny(o.Method, " \t\r\n") {
		return fail(errors.New("--method must be a token"))
	}
	if o.ExpectStatus < 100 || o.ExpectStatus > 599 {
		return fail(errors.New("--expect-status must be 100 .. 599"))
	}
	u, err := url.Parse(o.URL)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return fail(fmt.Errorf("--url must be http://host:port/path (https is not supported), got %q", o.URL))
	}
	var body []byte
	if o.BodyFile != "" {
		if body, err = os.ReadFile(o.BodyFile); err != nil {
			return fail(err)
		}
	}
	rep := httpLoad(&o, u, body)
	return rep.emit(o.Out, stdout, stderr)
}

// buildRequest renders the one request every send repeats.
func buildRequest(o *httpOptions, u *url.URL, body []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\n", o.Method, u.RequestURI())
	has := func(name string) bool {
		for _, h := range o.Headers {
			if n, _, _ := strings.Cut(h, ":"); strings.EqualFold(n, name) {
				return true
			}
		}
		return false
	}
	if !has("host") {
		fmt.Fprintf(&b, "Host: %s\r\n", u.Host)
	}
	if !has("user-agent") {
		fmt.Fprintf(&b, "User-Agent: gauntlet-loadgen/%s\r\n", version)
	}
	for _, h := range o.Headers {
		fmt.Fprintf(&b, "%s\r\n", h)
	}
	switch {
	case has("content-length") || has("transfer-encoding"):
	case body != nil || o.Method == "POST" || o.Method == "PUT" || o.Method == "PATCH":
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n")
	b.Write(body)
	return b.Bytes()
}

// ---- response parsing ---------------------------------------------------------------------------

var errMalformed = errors.New("malformed response")

// trimCRLF drops a trailing "\n" and then a trailing "\r".
func trimCRLF(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

func atoiBytes(b []byte, base int) (int64, bool) {
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		var d int64
		switch {
		case c >= '0' && c <= '9':
			d = int64(c - '0')
		case base == 16 && c >= 'a' && c <= 'f':
			d = int64(c-'a') + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = int64(c-'A') + 10
		default:
			return 0, false
		}
		n = n*int64(base) + d
	}
	return n, true
}

func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

const maxHeaderBytes = 64 << 10

type parseState uint8

const (
	stHeaders parseState = iota
	stBody               // Content-Length bytes left in remaining
	stChunkSize
	stChunkData // remaining bytes of the chunk, then its CRLF
	stChunkEnd
	stTrailers
	stUntilEOF // no framing: the body ends with the connection
)

// respParser reads one HTTP/1.x response incrementally (bodies are counted and discarded, never
// buffered): feed it whatever bytes arrived, it says how many it consumed and when the response is
// complete. Interim 1xx responses are skipped.
type respParser struct {
	head        bool // the request was HEAD: no body whatever the headers say
	state       parseState
	status      int
	closeConn   bool
	eventStream bool // Content-Type: text/event-stream
	remaining   int64
	started     bool     // a byte of the response arrived
	sink        bodySink // sse: sees the body's bytes (nil: they are only counted)
}

// bodySink is handed the bytes of a response body (chunk framing removed) as they arrive; an
// error ends the response (it fails with that error).
type bodySink interface{ body(b []byte) error }

func (p *respParser) reset(head bool) { *p = respParser{head: head, sink: p.sink} }

// feed consumes a prefix of buf. done: the response is complete (p.status, p.closeConn).
func (p *respParser) feed(buf []byte) (n int, done bool, err error) {
	if len(buf) > 0 {
		p.started = true
	}
	for n < len(buf) {
		b := buf[n:]
		switch p.state {
		case stHeaders:
			end := headerEnd(b)
			if end < 0 {
				if len(b) > maxHeaderBytes {
					return n, false, fmt.Errorf("%w: headers over %d bytes", errMalformed, maxHeaderBytes)
				}
				return n, false, nil
			}
			if err := p.parseHead(b[:end]); err != nil {
				return n, false, err
			}
			n += end
			if p.status >= 100 && p.status < 200 && p.status != 101 {
				p.state = stHeaders // interim response: the real one follows
				continue
			}
			if p.state == stBody && p.remaining == 0 {
				return n, true, nil
			}
		case stBody, stChunkData:
			k := int64(len(b))
			if k > p.remaining {
				k = p.remaining
			}
			if p.sink != nil && k > 0 {
				if err := p.sink.body(b[:k]); err != nil {
					return n, false, err
				}
			}
			n += int(k)
			p.remaining -= k
			if p.remaining == 0 {
				if p.state == stBody {
					return n, true, nil
				}
				p.state = stChunkEnd
			}
		case stChunkEnd, stChunkSize, stTrailers:
			i := bytes.IndexByte(b, '\n')
			if i < 0 {
				if len(b) > 4096 {
					return n, false, fmt.Errorf("%w: chunk line over 4096 bytes", errMalformed)
				}
				return n, false, nil
			}
			line := trimCRLF(b[:i+1])
			n += i + 1
			switch p.state {
			case stChunkEnd:
				if len(line) != 0 {
					return n, false, fmt.Errorf("%w: no CRLF after a chunk", errMalformed)
				}
				p.state = stChunkSize
			case stChunkSize:
				if j := bytes.IndexByte(line, ';'); j >= 0 {
					line = line[:j]
				}
				size, ok := atoiBytes(bytes.TrimSpace(line), 16)
				if !ok {
					return n, false, fmt.Errorf("%w: chunk size %q", errMalformed, line)
				}
				if size == 0 {
					p.state = stTrailers
				} else {
					p.state, p.remaining = stChunkData, size
				}
			case stTrailers:
				if len(line) == 0 {
					return n, true, nil
				}
			}
		case stUntilEOF:
			if p.sink != nil {
				if err := p.sink.body(b); err != nil {
					return n, false, err
				}
			}
			return len(buf), false, nil
		}
	}
	return n, false, nil
}

// eof: the connection ended; true when that completes the response (a body delimited by close).
func (p *respParser) eof() bool { return p.state == stUntilEOF }

// headerEnd returns the length of the head (status line + headers + empty line), or -1 while it is
// incomplete. An empty first line ends it at once (parseHead then rejects the status line).
func headerEnd(b []byte) int {
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return -1
		}
		line := trimCRLF(b[i : i+j+1])
		i += j + 1
		if len(line) == 0 {
			return i
		}
	}
}

func (p *respParser) parseHead(head []byte) error {
	line, rest, _ := bytes.Cut(head, []byte("\n"))
	line = trimCRLF(line)
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) || line[8] != ' ' {
		return fmt.Errorf("%w: status line %q", errMalformed, line)
	}
	code, ok := atoiBytes(line[9:12], 10)
	if !ok || code < 100 || code > 599 {
		return fmt.Errorf("%w: status line %q", errMalformed, line)
	}
	p.status = int(code)
	p.closeConn = line[7] == '0' // HTTP/1.0: close unless keep-alive
	contentLength, chunked := int64(-1), false
	for len(rest) > 0 {
		var h []byte
		h, rest, _ = bytes.Cut(rest, []byte("\n"))
		h = trimCRLF(h)
		if len(h) == 0 {
			break
		}
		name, value, ok := bytes.Cut(h, []byte(":"))
		if !ok {
			return fmt.Errorf("%w: header line %q", errMalformed, h)
		}
		value = bytes.TrimSpace(value)
		switch {
		case asciiEqualFold(name, "content-length"):
			if contentLength, ok = atoiBytes(value, 10); !ok {
				return fmt.Errorf("%w: content-length %q", errMalformed, value)
			}
		case asciiEqualFold(name, "content-type"):
			mediaType, _, _ := bytes.Cut(value, []byte(";"))
			p.eventStream = asciiEqualFold(bytes.TrimSpace(mediaType), "text/event-stream")
		case asciiEqualFold(name, "transfer-encoding"):
			chunked = bytes.Contains(bytes.ToLower(value), []byte("chunked"))
		case asciiEqualFold(name, "connection"):
			v := bytes.ToLower(value)
			if bytes.Contains(v, []byte("close")) {
				p.closeConn = true
			} else if bytes.Contains(v, []byte("keep-alive")) {
				p.closeConn = false
			}
		}
	}
	switch {
	case p.status < 200 && p.status != 101:
		p.state = stHeaders
	case p.head || p.status == 204 || p.status == 304 || p.status == 101:
		p.state, p.remaining = stBody, 0
	case chunked:
		p.state = stChunkSize
	case contentLength >= 0:
		p.state, p.remaining = stBody, contentLength
	default:
		p.state, p.closeConn = stUntilEOF, true
	}
	return nil
}

// ---- report -------------------------------------------------------------------------------------

// httpResult is what an engine hands back.
type httpResult struct {
	ph                                                         phases
	scheduled, dropped                                         int64
	completed, warmCompleted, late, opened, failed, reconnects int64
	status                                                     [600]int64
	errs                                                       *errorLog
	rec                                                        *recorder
	cpuA, cpuB                                                 cpuSample
	// sse only: events of the measured streams that completed, and their times to first event
	events int64
	first  *hdrhistogram.Histogram
}

func newHTTPResult() *httpResult {
	return &httpResult{errs: newErrorLog(), rec: newRecorder(1), first: hdrhistogram.New(histLowest, histHighest, histDigits)}
}

func httpLoad(o *httpOptions, u *url.URL, body []byte) *Report {
	clk := newClock()
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "80")
	}
	res := runHTTPLoop(o, clk, addr, buildRequest(o, u, body), nil)

	settings := httpSettings{
		URL: o.URL, Method: o.Method, BodyFile: o.BodyFile, BodyBytes: len(body), Headers: append([]string{}, o.Headers...),
		Rate: o.Rate, Connections: o.Connections, DurationS: o.Duration.Seconds(), WarmupS: o.Warmup.Seconds(),
		ExpectStatus: o.ExpectStatus, TimeoutS: o.Timeout.Seconds(),
		LateBoundUs: float64(o.LateBound) / 1e3, DropAfterUs: float64(o.DropAfter) / 1e3,
	}
	return rateReport("http-rate", "request", settings, &settings, o, clk, res)
}

// rateReport is the report of an open-model loop (http-rate, sse-rate): its schedule, drops,
// lateness, connections, status codes and latencies from the intended send time.
func rateReport(mode, unit string, settings any, base *httpSettings, o *httpOptions, clk clock, res *httpResult) *Report {
	rep := newReport(mode, unit, settings, clk, res.ph)
	rep.LateBoundUs, rep.DropAfterUs = base.LateBoundUs, base.DropAfterUs
	rate := o.Rate
	rep.OfferedRate, rep.Scheduled = &rate, &res.scheduled
	rep.Dropped = res.dropped
	rep.Completed = res.completed
	rep.Warmup.Completed = res.warmCompleted
	rep.Late = res.late
	rep.Connections = Connections{Requested: o.Connections, Opened: res.opened, Failed: res.failed, Reconnects: res.reconnects}
	rep.StatusCodes = map[string]int64{}
	for code, n := range res.status {
		if n > 0 {
			rep.StatusCodes[strconv.Itoa(code)] = n
		}
	}
	lat, svc := res.rec.merged()
	rep.finish(res.errs, lat, svc, res.cpuA, res.cpuB, true)
	return rep
}
