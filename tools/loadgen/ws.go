package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"

	"github.com/gobwas/ws"
)

type wsSettings struct {
	URL            string  `json:"url"`
	Mode           string  `json:"mode"`
	Connections    int     `json:"connections"`
	DurationS      float64 `json:"duration_s"`
	WarmupS        float64 `json:"warmup_s"`
	Size           int     `json:"size"`
	Binary         bool    `json:"binary"`
	FramesPerWrite int     `json:"frames_per_write"`
	Rate           float64 `json:"rate"`
	TimeoutS       float64 `json:"timeout_s"`
	LateBoundUs    float64 `json:"late_bound_us"`
	DropAfterUs    float64 `json:"drop_after_us"`
	MaxInflight    int     `json:"max_inflight"`
}

type wsOptions struct {
	commonFlags
	Mode           string
	Size           int
	Binary         bool
	FramesPerWrite int
	MaxInflight    int
}

func runWS(args []string, stdout, stderr io.Writer) int {
	var o wsOptions
	fs := flag.NewFlagSet("ws", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o.register(fs)
	fs.StringVar(&o.Mode, "mode", "closed", "closed (each connection waits for its echoes before sending again) or rate (open model, --rate messages/s in total)")
	fs.IntVar(&o.Size, "size", 64, "message size in bytes")
	fs.BoolVar(&o.Binary, "binary", false, "send binary messages (default: text)")
	fs.IntVar(&o.FramesPerWrite, "frames-per-write", 1, "messages sent in one write, back to back, before waiting for their echoes")
	fs.IntVar(&o.MaxInflight, "max-inflight", 4096, "rate mode: messages awaiting their echo per connection before the sender waits")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: loadgen ws --url ws://HOST:PORT/PATH [flags]\n\nEvery echo is checked byte for byte.\n\n")
		fs.PrintDefaults()
	}
	if ok, code := parseFlags(fs, args, stderr); !ok {
		return code
	}
	fail := func(err error) int { fmt.Fprintf(stderr, "loadgen ws: error: %v\n", err); return 2 }
	if err := o.validate(); err != nil {
		return fail(err)
	}
	switch {
	case o.Mode != "closed" && o.Mode != "rate":
		return fail(errors.New("--mode must be closed or rate"))
	case o.Mode == "rate" && o.Rate <= 0:
		return fail(errors.New("--mode rate needs --rate > 0"))
	case o.Mode == "closed" && o.Rate != 0:
		return fail(errors.New("--rate only applies to --mode rate"))
	case o.Size < 0 || o.Size > 64<<20:
		return fail(errors.New("--size must be within 0 .. 64 MiB"))
	case o.FramesPerWrite < 1:
		return fail(errors.New("--frames-per-write must be >= 1"))
	case o.MaxInflight < 1:
		return fail(errors.New("--max-inflight must be >= 1"))
	}
	u, err := url.Parse(o.URL)
	if err != nil || u.Scheme != "ws" || u.Host == "" {
		return fail(fmt.Errorf("--url must be ws://host:port/path (wss is not supported), got %q", o.URL))
	}
	rep := wsLoad(o)
	return rep.emit(o.Out, stdout, stderr)
}

// ---- one connection -----------------------------------------------------------------------------

const (
	hexDigits = "0123456789abcdef"
	stampLen  = 16
)

// Every message is the same base pattern (ASCII for text, all byte values for binary) with its
// first min(size, 16) bytes replaced by a hex stamp of (connection, sequence number), so an echo of
// the wrong message, stale bytes or a corrupted byte is caught.
func basePayload(size int, binary bool) []byte {
	const ascii = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, size)
	for i := range b {
		if binary {
			b[i] = byte(i*7 + 3)
		} else {
			b[i] = ascii[i%len(ascii)]
		}
	}
	return b
}

func putStamp(dst []byte, v uint64) {
	for i := len(dst) - 1; i >= 0; i-- {
		dst[i] = hexDigits[v&15]
		v >>= 4
	}
}

func stampValue(conn int, seq uint64) uint64 { return uint64(conn)<<40 | seq&(1<<40-1) }

type closeError struct {
	code   ws.StatusCode
	reason string
}

func (e *closeError) Error() string {
	return fmt.Sprintf("server closed the connection: close frame code %d reason %q", e.code, e.reason)
}

type protocolError struct{ msg string }

func (e *protocolError) Error() string { return "protocol error: " + e.msg }

type mismatchError struct{ msg string }

func (e *mismatchError) Error() string { return "echo mismatch: " + e.msg }

const maxMessage = 128 << 20

// ---- the run ------------------------------------------------------------------------------------

// wsResult is what an engine hands back: the phases it ran, its errors, latencies, CPU samples
// and counts.
type wsResult struct {
	ph                                      phases
	errs                                    *errorLog
	rec                                     *recorder
	cpuA, cpuB                              cpuSample
	completed, warmCompleted, dropped, late int64
	failed                                  int64 // connections whose handshake failed
}

func wsLoad(o wsOptions) *Report {
	clk := newClock()
	res := wsEngine(&o, clk)

	settings := wsSettings{
		URL: o.URL, Mode: o.Mode, Connections: o.Connections, DurationS: o.Duration.Seconds(), WarmupS: o.Warmup.Seconds(),
		Size: o.Size, Binary: o.Binary, FramesPerWrite: o.FramesPerWrite, Rate: o.Rate, TimeoutS: o.Timeout.Seconds(),
		LateBoundUs: float64(o.LateBound) / 1e3, DropAfterUs: float64(o.DropAfter) / 1e3, MaxInflight: o.MaxInflight,
	}
	rep := newReport("ws-"+o.Mode, "message", settings, clk, res.ph)
	rep.LateBoundUs, rep.DropAfterUs = settings.LateBoundUs, settings.DropAfterUs
	rep.Completed = res.completed
	rep.Warmup.Completed = res.warmCompleted
	rep.Dropped = res.dropped
	rep.Late = res.late
	rep.Connections = Connections{Requested: o.Connections, Opened: int64(o.Connections) - res.failed, Failed: res.failed}
	if o.Mode == "rate" {
		// The schedule itself, independent of which connections survived.
		rate := o.Rate
		rep.OfferedRate = &rate
		events := countEvents(res.ph, o.Rate/float64(o.FramesPerWrite))
		total := events * int64(o.FramesPerWrite)
		rep.Scheduled = &total
	}
	lat, svc := res.rec.merged()
	rep.finish(res.errs, lat, svc, res.cpuA, res.cpuB, o.Mode == "rate")
	return rep
}

// countEvents: how many events of a schedule start + k*1e9/eventRate fall in [measStart, end).
func countEvents(ph phases, eventRate float64) int64 {
	interval := 1e9 / eventRate
	var n int64
	for k := int64(0); ; k++ {
		t := ph.start + int64(float64(k)*interval)
		if t >= ph.end {
			return n
		}
		if t >= ph.measStart {
			n++
		}
	}
}
