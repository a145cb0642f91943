package main

import (
	"bytes"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gobwas/ws"
)

// Both WebSocket engines (on Linux: the epoll loop, the default, and the goroutine engine, the
// fallback elsewhere) must behave the same; these tests run each case on both.

func forEachEngine(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	saved := wsEngine
	t.Cleanup(func() { wsEngine = saved })
	t.Run("default", func(t *testing.T) { wsEngine = saved; f(t) })
	t.Run("goroutines", func(t *testing.T) { wsEngine = wsGoroutineEngine; f(t) })
}

// The original WebSocket tests, on the goroutine engine (they run on the default one above).
func TestWSGoroutineEngine(t *testing.T) {
	saved := wsEngine
	wsEngine = wsGoroutineEngine
	defer func() { wsEngine = saved }()
	t.Run("closed", TestWSClosed)
	t.Run("fragmented", TestWSClosedBinaryFragmentedLargeWithPings)
	t.Run("rate", TestWSRateDeliversTheSchedule)
	t.Run("wrong-echo", TestWSWrongEchoFails)
	t.Run("close-timeout", TestWSServerCloseAndTimeoutFail)
	t.Run("connect", TestWSConnectFailure)
}

// ---- a raw echo server: strict about the client's frames, with faults of its own -------------------

type rawBehaviour struct {
	early     bool          // send a ping in the same write as the handshake response
	split     bool          // write every echo in four pieces, 2 ms apart (frame headers split across reads)
	wrongOpAt int64         // echo the Nth data message with the other data opcode
	extraAt   int64         // echo the Nth data message with one byte more
	maskedAt  int64         // send the Nth echo masked (servers must not mask)
	hangupAt  int64         // after N echoes drop the TCP connection without a close frame
	delay     time.Duration // before each echo
	unmasked  atomic.Int64  // client frames that were not masked (RFC 6455 5.1: the server must fail them)
	pongs     atomic.Int64
	closes    atomic.Int64 // clean close frames received (code 1000)
	data      atomic.Int64
}

// handshakeBuffer: the handshake reads from the connection but its response is kept, to go out
// with whatever follows in one write.
type handshakeBuffer struct {
	r   io.Reader
	out bytes.Buffer
}

func (h *handshakeBuffer) Read(p []byte) (int, error)  { return h.r.Read(p) }
func (h *handshakeBuffer) Write(p []byte) (int, error) { return h.out.Write(p) }

func rawEchoServer(t *testing.T, b *rawBehaviour) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go b.serve(conn)
		}
	}()
	return "ws://" + ln.Addr().String() + "/ws"
}

func (b *rawBehaviour) serve(conn net.Conn) {
	defer conn.Close()
	hb := &handshakeBuffer{r: conn}
	if _, err := ws.Upgrade(hb); err != nil {
		return
	}
	if b.early {
		_ = ws.WriteFrame(&hb.out, ws.NewPingFrame([]byte("early")))
	}
	if _, err := conn.Write(hb.out.Bytes()); err != nil {
		return
	}
	for {
		h, err := ws.ReadHeader(conn)
		if err != nil {
			return
		}
		p := make([]byte, h.Length)
		if _, err := io.ReadFull(conn, p); err != nil {
			return
		}
		if !h.Masked {
			b.unmasked.Add(1)
			_ = ws.WriteFrame(conn, ws.NewCloseFrame(ws.NewCloseFrameBody(ws.StatusProtocolError, "unmasked")))
			return
		}
		ws.Cipher(p, h.Mask, 0)
		switch h.OpCode {
		case ws.OpClose:
			if code, _ := ws.ParseCloseFrameData(p); code == ws.StatusNormalClosure {
				b.closes.Add(1)
			}
			_ = ws.WriteFrame(conn, ws.NewCloseFrame(p))
			return
		case ws.OpPong:
			b.pongs.Add(1)
			continue
		case ws.OpPing:
			continue
		}
		n := b.data.Add(1)
		if b.hangupAt > 0 && n > b.hangupAt {
			return
		}
		if b.delay > 0 {
			time.Sleep(b.delay)
		}
		op := h.OpCode
		if n == b.wrongOpAt {
			op = ws.OpText + ws.OpBinary - op
		}
		if n == b.extraAt {
			p = append(p, 'x')
		}
		f := ws.NewFrame(op, true, p)
		if n == b.maskedAt {
			f = ws.MaskFrame(f)
		}
		var out bytes.Buffer
		_ = ws.WriteFrame(&out, f)
		frame := out.Bytes()
		if !b.split {
			if _, err := conn.Write(frame); err != nil {
				return
			}
			continue
		}
		cuts := []int{0, 1, min(3, len(frame)), len(frame) - len(p)/2, len(frame)}
		for i := 1; i < len(cuts); i++ {
			if cuts[i] > cuts[i-1] {
				if _, err := conn.Write(frame[cuts[i-1]:cuts[i]]); err != nil {
					return
				}
				time.Sleep(2 * time.Millisecond)
			}
		}
	}
}

func TestWSEnginesStrictServer(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		// Masked frames, N frames per write, a ping before the first send, echoes split anywhere
		// (a 200-byte message: a 4-byte header, split after its first and third bytes).
		for _, mode := range []string{"closed", "rate"} {
			b := &rawBehaviour{early: true, split: true}
			args := []string{"ws", "--url", rawEchoServer(t, b), "--mode", mode, "--connections", "3",
				"--duration", "300ms", "--warmup", "50ms", "--size", "200", "--frames-per-write", "2", "--binary"}
			if mode == "rate" {
				args = append(args, "--rate", "200")
			}
			code, rep, _ := runJSON(t, args...)
			if code != 0 || num(t, rep, "completed") < 10 {
				t.Fatalf("%s: exit %d, completed %v, errors %v", mode, code, rep["completed"], rep["errors_by_kind"])
			}
			if b.unmasked.Load() != 0 || b.pongs.Load() != 3 || b.closes.Load() != 3 {
				t.Fatalf("%s: unmasked %d, pongs %d (want 3), clean closes %d (want 3)", mode, b.unmasked.Load(), b.pongs.Load(), b.closes.Load())
			}
			if got := num(t, rep, "completed") + num(t, rep, "warmup.completed"); got != float64(b.data.Load()) {
				t.Fatalf("%s: the server echoed %d messages, the report has %v", mode, b.data.Load(), got)
			}
		}
	})
}

func TestWSEnginesFaults(t *testing.T) {
	cases := []struct {
		name   string
		b      func() *rawBehaviour
		kind   string
		detail string
	}{
		{"opcode", func() *rawBehaviour { return &rawBehaviour{wrongOpAt: 30} }, "mismatch", "opcode 2, sent 1"},
		{"length", func() *rawBehaviour { return &rawBehaviour{extraAt: 30} }, "mismatch", "65 bytes, sent 64"},
		{"masked", func() *rawBehaviour { return &rawBehaviour{maskedAt: 30} }, "protocol", "masked frame"},
		{"hangup", func() *rawBehaviour { return &rawBehaviour{hangupAt: 30} }, "disconnected", ""},
	}
	forEachEngine(t, func(t *testing.T) {
		for _, tc := range cases {
			code, rep, stderr := runJSON(t, "ws", "--url", rawEchoServer(t, tc.b()), "--connections", "1",
				"--duration", "300ms", "--warmup", "0s", "--size", "64")
			if code != 1 || num(t, rep, "errors") != 1 || errorsOfKind(rep, tc.kind) != 1 {
				t.Fatalf("%s: exit %d, errors %v", tc.name, code, rep["errors_by_kind"])
			}
			want := 29.0 // the echoes before the faulty 30th
			if tc.kind == "disconnected" {
				want = 30 // all 30 echoes, then the hang-up
			}
			if num(t, rep, "completed") != want {
				t.Fatalf("%s: completed %v, want %v", tc.name, rep["completed"], want)
			}
			if !strings.Contains(stderr, tc.detail) {
				t.Fatalf("%s: stderr lacks %q:\n%s", tc.name, tc.detail, stderr)
			}
		}
	})
}

func TestWSEnginesRateDropsWhenInflightIsFull(t *testing.T) {
	forEachEngine(t, func(t *testing.T) {
		// Each echo takes 20 ms; one message may await its echo; 500/s on one connection: most
		// sends cannot be issued within --drop-after and are dropped, never errors.
		b := &rawBehaviour{delay: 20 * time.Millisecond}
		code, rep, _ := runJSON(t, "ws", "--url", rawEchoServer(t, b), "--mode", "rate", "--rate", "500",
			"--connections", "1", "--max-inflight", "1", "--drop-after", "5ms", "--duration", "500ms", "--warmup", "0s")
		scheduled, completed, dropped := num(t, rep, "scheduled"), num(t, rep, "completed"), num(t, rep, "dropped")
		if code != 0 || completed+dropped != scheduled || completed < 10 || completed > 30 || dropped < 200 {
			t.Fatalf("exit %d: scheduled %v completed %v dropped %v errors %v", code, scheduled, completed, dropped, rep["errors_by_kind"])
		}
		// Latency from the intended time: at least the server's 20 ms.
		if p50 := num(t, rep, "latency_us.p50"); p50 < 20000 {
			t.Fatalf("p50 %v µs", p50)
		}
	})
}
