package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"sync"
	"syscall"
	"time"

	hdrhistogram "github.com/HdrHistogram/hdrhistogram-go"
)

// SchemaVersion is bumped whenever a field of the JSON report changes meaning or goes away.
const SchemaVersion = 1

// Histogram range: 1 ns .. 100 s at 3 significant digits (values above are clamped to the top).
const (
	histLowest  = 1
	histHighest = int64(100 * time.Second)
	histDigits  = 3
	maxSamples  = 10 // error messages kept verbatim in the report
)

// clock: every timestamp in a run is nanoseconds since base, read from the monotonic clock.
type clock struct{ base time.Time }

func newClock() clock                { return clock{base: time.Now()} }
func (c clock) now() int64           { return int64(time.Since(c.base)) }
func (c clock) unixNs(t int64) int64 { return c.base.UnixNano() + t }
func (c clock) at(t int64) time.Time { return c.base.Add(time.Duration(t)) }

// phases of a run, as clock offsets: warm-up is [start, measStart), measured is [measStart, end).
type phases struct{ start, measStart, end int64 }

// ---- latency recording ------------------------------------------------------------------------

// histPair holds the latency (from the intended send time) and service time (from the actual send)
// histograms of one shard; connections are spread over a few shards so memory stays bounded and
// the locks stay uncontended.
type histPair struct {
	mu       sync.Mutex
	lat, svc *hdrhistogram.Histogram
}

func newHistPair() *histPair {
	return &histPair{
		lat: hdrhistogram.New(histLowest, histHighest, histDigits),
		svc: hdrhistogram.New(histLowest, histHighest, histDigits),
	}
}

func clampNs(v int64) int64 {
	if v < histLowest {
		return histLowest
	}
	if v > histHighest {
		return histHighest
	}
	return v
}

func (h *histPair) record(lat, svc int64) {
	h.mu.Lock()
	_ = h.lat.RecordValue(clampNs(lat))
	_ = h.svc.RecordValue(clampNs(svc))
	h.mu.Unlock()
}

type recorder struct{ shards []*histPair }

func newRecorder(conns int) *recorder {
	n := min(max(conns, 1), 16)
	r := &recorder{shards: make([]*histPair, n)}
	for i := range r.shards {
		r.shards[i] = newHistPair()
	}
	return r
}

func (r *recorder) shard(id int) *histPair { return r.shards[id%len(r.shards)] }

func (r *recorder) merged() (lat, svc *hdrhistogram.Histogram) {
	lat = hdrhistogram.New(histLowest, histHighest, histDigits)
	svc = hdrhistogram.New(histLowest, histHighest, histDigits)
	for _, s := range r.shards {
		s.mu.Lock()
		lat.Merge(s.lat)
		svc.Merge(s.svc)
		s.mu.Unlock()
	}
	return lat, svc
}

// LatencyUs is a latency distribution in microseconds, read from an HdrHistogram (3 significant
// digits; max/min are the histogram's equivalent values, within 0.1% of the true ones).
type LatencyUs struct {
	Count int64   `json:"count"`
	Min   float64 `json:"min"`
	Mean  float64 `json:"mean"`
	P50   float64 `json:"p50"`
	P90   float64 `json:"p90"`
	P95   float64 `json:"p95"`
	P99   float64 `json:"p99"`
	P999  float64 `json:"p999"`
	Max   float64 `json:"max"`
}

func us(ns float64) float64 { return math.Round(ns/10) / 100 } // ns -> µs, 2 decimals

func latencyFrom(h *hdrhistogram.Histogram) LatencyUs {
	if h.TotalCount() == 0 {
		return LatencyUs{}
	}
	q := func(p float64) float64 { return us(float64(h.ValueAtQuantile(p))) }
	return LatencyUs{
		Count: h.TotalCount(),
		Min:   us(float64(h.Min())),
		Mean:  us(h.Mean()),
		P50:   q(50),
		P90:   q(90),
		P95:   q(95),
		P99:   q(99),
		P999:  q(99.9),
		Max:   us(float64(h.Max())),
	}
}

// ---- errors -------------------------------------------------------------------------------------

// errorLog counts errors by kind, separately for the measured phase (which includes the drain
// after it) and the warm-up, and keeps the first few messages.
type errorLog struct {
	mu      sync.Mutex
	byKind  map[string]int64
	warm    map[string]int64
	samples []string
}

func newErrorLog() *errorLog {
	return &errorLog{byKind: map[string]int64{}, warm: map[string]int64{}}
}

func (e *errorLog) add(measured bool, kind, msg string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if measured {
		e.byKind[kind]++
	} else {
		e.warm[kind]++
	}
	if len(e.samples) < maxSamples {
		phase := "measured"
		if !measured {
			phase = "warmup"
		}
		e.samples = append(e.samples, fmt.Sprintf("%s: %s: %s", phase, kind, msg))
	}
}

func sum(m map[string]int64) (n int64) {
	for _, v := range m {
		n += v
	}
	return n
}

// isTimeout: a read/write deadline passed.
func isTimeout(err error) bool {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// isDisconnect: the peer went away (EOF, reset, broken pipe).
func isDisconnect(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, net.ErrClosed)
}

// ---- CPU ----------------------------------------------------------------------------------------

type cpuSample struct{ user, sys, wall int64 }

func sampleCPU(clk clock) cpuSample {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return cpuSample{user: ru.Utime.Nano(), sys: ru.Stime.Nano(), wall: clk.now()}
}

// CPU is the tool's own CPU use (getrusage(RUSAGE_SELF), all threads) between two samples taken
// at the start and at the end of the measured phase.
type CPU struct {
	UserNs      int64   `json:"user_ns"`
	SystemNs    int64   `json:"system_ns"`
	TotalNs     int64   `json:"total_ns"`
	WallNs      int64   `json:"wall_ns"`
	Cores       float64 `json:"cores"`        // total_ns / wall_ns
	UsPerUnit   float64 `json:"us_per_unit"`  // total CPU µs / completed
	SampledFrom string  `json:"sampled_from"` // how it was measured
}

func cpuBetween(a, b cpuSample, completed int64) CPU {
	c := CPU{UserNs: b.user - a.user, SystemNs: b.sys - a.sys, WallNs: b.wall - a.wall,
		SampledFrom: "getrusage(RUSAGE_SELF) at the measured phase's start and end"}
	c.TotalNs = c.UserNs + c.SystemNs
	if c.WallNs > 0 {
		c.Cores = math.Round(float64(c.TotalNs)/float64(c.WallNs)*1000) / 1000
	}
	if completed > 0 {
		c.UsPerUnit = math.Round(float64(c.TotalNs)/float64(completed)) / 1000
	}
	return c
}

// measureCPU sleeps until the measured phase starts, samples, sleeps until it ends (or until every
// worker is done, whichever is first), samples again.
func measureCPU(clk clock, ph phases, done <-chan struct{}, profile string) (a, b cpuSample) {
	sleepUntil := func(t int64) {
		d := time.Duration(t - clk.now())
		if d <= 0 {
			return
		}
		tm := time.NewTimer(d)
		defer tm.Stop()
		select {
		case <-tm.C:
		case <-done:
		}
	}
	sleepUntil(ph.measStart)
	if profile != "" {
		if f, err := os.Create(profile); err == nil {
			if err := pprof.StartCPUProfile(f); err == nil {
				defer func() { pprof.StopCPUProfile(); _ = f.Close() }()
			}
		}
	}
	a = sampleCPU(clk)
	sleepUntil(ph.end)
	b = sampleCPU(clk)
	return a, b
}

// ---- report -------------------------------------------------------------------------------------

type Tool struct {
	Name       string `json:"name"`
	Version    string `json:"version"`
	Go         string `json:"go"`
	GOMAXPROCS int    `json:"gomaxprocs"`
}

type Warmup struct {
	Completed    int64            `json:"completed"`
	Errors       int64            `json:"errors"`
	ErrorsByKind map[string]int64 `json:"errors_by_kind"`
}

type Connections struct {
	Requested  int   `json:"requested"`
	Opened     int64 `json:"opened"` // successful dials, reconnects included
	Failed     int64 `json:"failed"` // failed dials
	Reconnects int64 `json:"reconnects"`
}

// Report is the JSON written by both subcommands (schema_version 1). Every count and figure
// except `warmup` covers only the measured phase: units whose (intended) send time falls in
// [measured_start_unix_ns, measured_end_unix_ns); those still in flight at the end are awaited.
type Report struct {
	SchemaVersion       int              `json:"schema_version"`
	Tool                Tool             `json:"tool"`
	Mode                string           `json:"mode"` // ws-closed | ws-rate | http-rate | sse-rate
	Unit                string           `json:"unit"` // message | request | stream
	Settings            any              `json:"settings"`
	MeasuredStartUnixNs int64            `json:"measured_start_unix_ns"`
	MeasuredEndUnixNs   int64            `json:"measured_end_unix_ns"`
	DurationS           float64          `json:"duration_s"`
	OfferedRate         *float64         `json:"offered_rate"` // per second; null in closed mode
	Scheduled           *int64           `json:"scheduled"`    // units the schedule put in the measured phase; null in closed mode
	Completed           int64            `json:"completed"`    // units that completed without error
	RateAchieved        float64          `json:"rate_achieved"`
	Errors              int64            `json:"errors"`
	ErrorsByKind        map[string]int64 `json:"errors_by_kind"`
	ErrorSamples        []string         `json:"error_samples"`
	Dropped             int64            `json:"dropped"` // scheduled but never sent (behind schedule by more than drop_after)
	Late                int64            `json:"late"`    // sent, but more than late_bound after the intended time
	LateBoundUs         float64          `json:"late_bound_us"`
	DropAfterUs         float64          `json:"drop_after_us"`
	LatencyFrom         string           `json:"latency_from"` // intended_send_time | send_time
	LatencyUs           LatencyUs        `json:"latency_us"`
	ServiceTimeUs       *LatencyUs       `json:"service_time_us"` // from the actual send; null in closed mode
	CPU                 CPU              `json:"cpu"`
	Connections         Connections      `json:"connections"`
	StatusCodes         map[string]int64 `json:"status_codes,omitempty"`   // http, sse: every response in the measured phase
	Events              *int64           `json:"events,omitempty"`         // sse: events of the completed streams
	EventsRate          *float64         `json:"events_rate,omitempty"`    // sse: events / duration_s
	FirstEventUs        *LatencyUs       `json:"first_event_us,omitempty"` // sse: intended start of a stream -> its first complete event
	Warmup              Warmup           `json:"warmup"`
	OK                  bool             `json:"ok"` // no error (measured or warm-up) and completed > 0
}

func newReport(mode, unit string, settings any, clk clock, ph phases) *Report {
	return &Report{
		SchemaVersion:       SchemaVersion,
		Tool:                Tool{Name: "loadgen", Version: version, Go: runtime.Version(), GOMAXPROCS: runtime.GOMAXPROCS(0)},
		Mode:                mode,
		Unit:                unit,
		Settings:            settings,
		MeasuredStartUnixNs: clk.unixNs(ph.measStart),
		MeasuredEndUnixNs:   clk.unixNs(ph.end),
		DurationS:           float64(ph.end-ph.measStart) / 1e9,
		ErrorsByKind:        map[string]int64{},
		ErrorSamples:        []string{},
	}
}

func (r *Report) finish(errs *errorLog, lat, svc *hdrhistogram.Histogram, cpuA, cpuB cpuSample, rateMode bool) {
	errs.mu.Lock()
	r.ErrorsByKind = errs.byKind
	r.Errors = sum(errs.byKind)
	r.ErrorSamples = append([]string{}, errs.samples...)
	r.Warmup.ErrorsByKind = errs.warm
	r.Warmup.Errors = sum(errs.warm)
	errs.mu.Unlock()
	if r.DurationS > 0 {
		r.RateAchieved = math.Round(float64(r.Completed)/r.DurationS*100) / 100
	}
	r.LatencyUs = latencyFrom(lat)
	if rateMode {
		s := latencyFrom(svc)
		r.ServiceTimeUs = &s
		r.LatencyFrom = "intended_send_time"
	} else {
		r.LatencyFrom = "send_time"
	}
	r.CPU = cpuBetween(cpuA, cpuB, r.Completed)
	r.OK = r.Errors == 0 && r.Warmup.Errors == 0 && r.Completed > 0
}

// emit writes the JSON (to --out, or stdout), a one-line summary on stderr, and returns the exit
// status.
func (r *Report) emit(out string, stdout, stderr io.Writer) int {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		fmt.Fprintf(stderr, "loadgen: error: %v\n", err)
		return 2
	}
	data = append(data, '\n')
	if out == "" || out == "-" {
		_, _ = stdout.Write(data)
	} else if err := os.WriteFile(out, data, 0o644); err != nil {
		fmt.Fprintf(stderr, "loadgen: error: writing %s: %v\n", out, err)
		return 2
	}
	offered := ""
	if r.OfferedRate != nil {
		offered = fmt.Sprintf(" (offered %.0f/s, scheduled %d)", *r.OfferedRate, *r.Scheduled)
	}
	first := ""
	if r.FirstEventUs != nil && r.EventsRate != nil {
		first = fmt.Sprintf("; first event p50 %.1f µs, p99 %.1f µs; %.0f events/s", r.FirstEventUs.P50, r.FirstEventUs.P99, *r.EventsRate)
	}
	fmt.Fprintf(stderr, "loadgen %s: %d %ss in %.2f s = %.0f/s%s; p50 %.1f µs, p99 %.1f µs, max %.1f µs%s; errors %d, dropped %d, late %d; own cpu %.2f µs/%s (%.2f cores)\n",
		r.Mode, r.Completed, r.Unit, r.DurationS, r.RateAchieved, offered, r.LatencyUs.P50, r.LatencyUs.P99, r.LatencyUs.Max,
		first, r.Errors, r.Dropped, r.Late, r.CPU.UsPerUnit, r.Unit, r.CPU.Cores)
	if !r.OK {
		kinds := make([]string, 0, len(r.ErrorsByKind))
		for k, v := range r.ErrorsByKind {
			kinds = append(kinds, fmt.Sprintf("%s=%d", k, v))
		}
		for k, v := range r.Warmup.ErrorsByKind {
			kinds = append(kinds, fmt.Sprintf("warmup:%s=%d", k, v))
		}
		sort.Strings(kinds)
		fmt.Fprintf(stderr, "loadgen %s: FAILED: %d errors (+%d in warm-up) %v, %d completed\n", r.Mode, r.Errors, r.Warmup.Errors, kinds, r.Completed)
		for _, s := range r.ErrorSamples {
			fmt.Fprintf(stderr, "  %s\n", s)
		}
		return 1
	}
	if r.Dropped > 0 {
		fmt.Fprintf(stderr, "loadgen %s: warning: %d dropped: the offered rate was not delivered\n", r.Mode, r.Dropped)
	}
	return 0
}

// ---- flags shared by both subcommands -----------------------------------------------------------

type commonFlags struct {
	URL         string
	Connections int
	Duration    time.Duration
	Warmup      time.Duration
	Timeout     time.Duration
	Rate        float64
	LateBound   time.Duration
	DropAfter   time.Duration
	Out         string
	CPUProfile  string
}

func (c *commonFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.URL, "url", "", "target URL (required)")
	fs.IntVar(&c.Connections, "connections", 50, "connections (http: the pool's maximum, all opened up front)")
	fs.DurationVar(&c.Duration, "duration", 10*time.Second, "measured phase")
	fs.DurationVar(&c.Warmup, "warmup", 2*time.Second, "warm-up before the measured phase (excluded from every figure)")
	fs.DurationVar(&c.Timeout, "timeout", 5*time.Second, "per message/request: no answer within this is a timeout error")
	fs.Float64Var(&c.Rate, "rate", 0, "offered rate per second, total over all connections (open model)")
	fs.DurationVar(&c.LateBound, "late-bound", time.Millisecond, "rate model: a send issued more than this after its intended time counts as late")
	fs.DurationVar(&c.DropAfter, "drop-after", time.Second, "rate model: a send still not issued this long after its intended time is dropped")
	fs.StringVar(&c.Out, "out", "", "write the JSON report here (default: stdout)")
	fs.StringVar(&c.CPUProfile, "cpuprofile", "", "write a Go CPU profile of the measured phase here (for work on loadgen itself)")
}

func (c *commonFlags) validate() error {
	switch {
	case c.URL == "":
		return errors.New("--url is required")
	case c.Connections < 1:
		return errors.New("--connections must be >= 1")
	case c.Duration <= 0:
		return errors.New("--duration must be > 0")
	case c.Warmup < 0:
		return errors.New("--warmup must be >= 0")
	case c.Timeout <= 0:
		return errors.New("--timeout must be > 0")
	case c.Rate < 0 || math.IsNaN(c.Rate) || math.IsInf(c.Rate, 0):
		return errors.New("--rate must be a finite number >= 0")
	case c.LateBound < 0 || c.DropAfter < 0:
		return errors.New("--late-bound and --drop-after must be >= 0")
	}
	return nil
}

func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) (ok bool, code int) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return false, 0
		}
		return false, 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "loadgen %s: error: unexpected arguments %q\n", fs.Name(), fs.Args())
		return false, 2
	}
	return true, 0
}
