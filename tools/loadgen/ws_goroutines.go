package main

// The goroutine engine of `loadgen ws`: one goroutine per connection (closed mode) or a sender and
// a reader per connection (rate mode), over net.Conn. It is the engine off Linux; on Linux the
// epoll loop (wsloop_linux.go) replaces it (this one stays built there, and tested, as the
// reference the loop is compared with).

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gobwas/ws"
)

type wsConn struct {
	id   int
	c    net.Conn
	br   *bufio.Reader
	op   ws.OpCode
	base []byte
	rng  *rand.PCG // masks of the sender's frames
	crng *rand.PCG // masks of control frames (written by the reader in rate mode)

	wmu  sync.Mutex // sender and control writes (pong, close)
	wbuf []byte     // sender's batch
	cbuf []byte     // control frames
	rbuf []byte     // message being read
	ctl  [125]byte  // control frame payload

	hist *histPair

	// reader-owned counters (merged after the run)
	completed, warmCompleted int64
	// sender-owned counters
	dropped, late int64
}

func dialWS(ctx context.Context, o *wsOptions, id int) (*wsConn, error) {
	d := ws.Dialer{Timeout: o.Timeout}
	c, br, _, err := d.Dial(ctx, o.URL)
	if err != nil {
		return nil, err
	}
	var r io.Reader = c
	if br != nil { // bytes the server sent right after its handshake response
		r = io.MultiReader(br, c)
	}
	op := ws.OpText
	if o.Binary {
		op = ws.OpBinary
	}
	return &wsConn{
		id:   id,
		c:    c,
		br:   bufio.NewReaderSize(r, 64<<10),
		op:   op,
		base: basePayload(o.Size, o.Binary),
		rng:  rand.NewPCG(uint64(time.Now().UnixNano()), uint64(id)),
		crng: rand.NewPCG(uint64(time.Now().UnixNano())^0x9e3779b97f4a7c15, uint64(id)),
		rbuf: make([]byte, 0, o.Size),
	}, nil
}

// appendMessage appends one masked client frame carrying message seq to w.wbuf.
func (w *wsConn) appendMessage(seq uint64) {
	n := len(w.base)
	b := append(w.wbuf, 0x80|byte(w.op))
	switch {
	case n < 126:
		b = append(b, 0x80|byte(n))
	case n <= 0xffff:
		b = append(b, 0x80|126, byte(n>>8), byte(n))
	default:
		b = append(b, 0x80|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	var mask [4]byte
	binary.LittleEndian.PutUint32(mask[:], uint32(w.rng.Uint64()))
	b = append(b, mask[:]...)
	p := len(b)
	b = append(b, w.base...)
	putStamp(b[p:p+min(n, stampLen)], stampValue(w.id, seq))
	ws.Cipher(b[p:], mask, 0)
	w.wbuf = b
}

// writeControl sends a masked control frame (pong, close).
func (w *wsConn) writeControl(op ws.OpCode, payload []byte) error {
	w.wmu.Lock()
	defer w.wmu.Unlock()
	var mask [4]byte
	binary.LittleEndian.PutUint32(mask[:], uint32(w.crng.Uint64()))
	b := append(w.cbuf[:0], 0x80|byte(op), 0x80|byte(len(payload)))
	b = append(b, mask[:]...)
	p := len(b)
	b = append(b, payload...)
	ws.Cipher(b[p:], mask, 0)
	w.cbuf = b
	_, err := w.c.Write(b)
	return err
}

func (w *wsConn) writeBatch() error {
	w.wmu.Lock()
	_, err := w.c.Write(w.wbuf)
	w.wmu.Unlock()
	return err
}

// readHeader parses one frame header from the buffered reader without allocating.
func (w *wsConn) readHeader() (fin bool, op ws.OpCode, masked bool, mask [4]byte, length int64, err error) {
	b0, err := w.br.ReadByte()
	if err != nil {
		return
	}
	b1, err := w.br.ReadByte()
	if err != nil {
		return
	}
	fin, op, masked = b0&0x80 != 0, ws.OpCode(b0&0x0f), b1&0x80 != 0
	if b0&0x70 != 0 {
		err = &protocolError{"RSV bits set (no extension was negotiated)"}
		return
	}
	length = int64(b1 & 0x7f)
	ext := 0
	switch length {
	case 126:
		ext = 2
	case 127:
		ext = 8
	}
	if ext > 0 {
		length = 0
		for i := 0; i < ext; i++ {
			var c byte
			if c, err = w.br.ReadByte(); err != nil {
				return
			}
			length = length<<8 | int64(c)
		}
		if length < 0 {
			err = &protocolError{"frame length has its top bit set"}
			return
		}
	}
	if masked {
		for i := range mask {
			if mask[i], err = w.br.ReadByte(); err != nil {
				return
			}
		}
	}
	return
}

// readMessage returns the next data message (reassembling fragments), answering pings; a close
// frame is returned as a *closeError.
func (w *wsConn) readMessage() (ws.OpCode, []byte, error) {
	msg := w.rbuf[:0]
	var op ws.OpCode
	started := false
	for {
		fin, fop, masked, _, n, err := w.readHeader()
		if err != nil {
			return 0, nil, err
		}
		if masked {
			return 0, nil, &protocolError{"the server sent a masked frame"}
		}
		if fop.IsControl() {
			if !fin || n > 125 {
				return 0, nil, &protocolError{"fragmented or oversized control frame"}
			}
			p := w.ctl[:n]
			if _, err := io.ReadFull(w.br, p); err != nil {
				return 0, nil, err
			}
			switch fop {
			case ws.OpClose:
				code, reason := ws.ParseCloseFrameData(p)
				return 0, nil, &closeError{code: code, reason: reason}
			case ws.OpPing:
				if err := w.writeControl(ws.OpPong, p); err != nil {
					return 0, nil, err
				}
			}
			continue
		}
		if !started {
			if fop == ws.OpContinuation || fop.IsReserved() {
				return 0, nil, &protocolError{fmt.Sprintf("unexpected opcode %d", fop)}
			}
			op, started = fop, true
		} else if fop != ws.OpContinuation {
			return 0, nil, &protocolError{fmt.Sprintf("opcode %d inside a fragmented message", fop)}
		}
		if int64(len(msg))+n > maxMessage {
			return 0, nil, &protocolError{"message over 128 MiB"}
		}
		end := len(msg) + int(n)
		if cap(msg) < end {
			grown := make([]byte, len(msg), end)
			copy(grown, msg)
			msg = grown
		}
		msg = msg[:end]
		if _, err := io.ReadFull(w.br, msg[end-int(n):]); err != nil {
			return 0, nil, err
		}
		if fin {
			w.rbuf = msg[:0]
			return op, msg, nil
		}
	}
}

// verify checks an echo against message seq byte for byte.
func (w *wsConn) verify(op ws.OpCode, got []byte, seq uint64) error {
	if op != w.op {
		return &mismatchError{fmt.Sprintf("message %d: opcode %d, sent %d", seq, op, w.op)}
	}
	if len(got) != len(w.base) {
		return &mismatchError{fmt.Sprintf("message %d: %d bytes, sent %d", seq, len(got), len(w.base))}
	}
	k := min(len(got), stampLen)
	var st [stampLen]byte
	putStamp(st[:k], stampValue(w.id, seq))
	if bytes.Equal(got[:k], st[:k]) && bytes.Equal(got[k:], w.base[k:]) {
		return nil
	}
	want := append([]byte{}, w.base...) // the error path only: w.base is shared with the sender
	copy(want, st[:k])
	i := 0
	for i < len(got) && got[i] == want[i] {
		i++
	}
	return &mismatchError{fmt.Sprintf("message %d: first difference at byte %d (got 0x%02x, sent 0x%02x)", seq, i, got[i], want[i])}
}

// closeGracefully sends a 1000 close frame and waits (bounded) for the server's close frame.
func (w *wsConn) closeGracefully() {
	_ = w.c.SetDeadline(time.Now().Add(2 * time.Second))
	if err := w.writeControl(ws.OpClose, []byte{0x03, 0xe8}); err == nil {
		for {
			if _, _, err := w.readMessage(); err != nil {
				break // the server's close frame (or EOF / the deadline)
			}
		}
	}
	_ = w.c.Close()
}

// ---- the run ------------------------------------------------------------------------------------

type wsRun struct {
	o       *wsOptions
	clk     clock
	ph      phases
	errs    *errorLog
	aborted atomic.Bool
}

// classify turns a connection error into an error kind.
func (r *wsRun) classify(err error) string {
	var ce *closeError
	var pe *protocolError
	var me *mismatchError
	switch {
	case r.aborted.Load():
		return "aborted"
	case errors.As(err, &me):
		return "mismatch"
	case errors.As(err, &ce):
		return "closed"
	case errors.As(err, &pe):
		return "protocol"
	case isTimeout(err):
		return "timeout"
	case isDisconnect(err):
		return "disconnected"
	}
	return "io"
}

func (r *wsRun) fail(at int64, err error) {
	r.errs.add(at >= r.ph.measStart, r.classify(err), err.Error())
}

// closedLoop: send N messages in one write, read and check the N echoes, repeat until the end.
func (r *wsRun) closedLoop(w *wsConn) {
	n := r.o.FramesPerWrite
	var seq uint64
	for {
		sendT := r.clk.now()
		if sendT >= r.ph.end {
			w.closeGracefully()
			return
		}
		w.wbuf = w.wbuf[:0]
		for j := 0; j < n; j++ {
			w.appendMessage(seq + uint64(j))
		}
		_ = w.c.SetDeadline(r.clk.at(sendT).Add(r.o.Timeout))
		if err := w.writeBatch(); err != nil {
			r.fail(sendT, err)
			_ = w.c.Close()
			return
		}
		measured := sendT >= r.ph.measStart
		for j := 0; j < n; j++ {
			op, got, err := w.readMessage()
			if err == nil {
				err = w.verify(op, got, seq)
			}
			if err != nil {
				r.fail(sendT, err)
				_ = w.c.Close()
				return
			}
			seq++
			if measured {
				lat := r.clk.now() - sendT
				w.hist.record(lat, lat)
				w.completed++
			} else {
				w.warmCompleted++
			}
		}
	}
}

type inflight struct {
	intended, sent int64
	seq            uint64
}

// rateConn: a sender on the schedule and a reader matching echoes (in order) to their sends.
// Connection i sends the events i, i+C, i+2C, ... of one global schedule of R/N events per second
// (N messages each), so the connections' sends interleave evenly.
func (r *wsRun) rateConn(w *wsConn) {
	o := r.o
	n := o.FramesPerWrite
	queue := make(chan inflight, max(o.MaxInflight, n))
	dead := make(chan struct{})
	var deadOnce sync.Once
	kill := func() { deadOnce.Do(func() { close(dead); _ = w.c.Close() }) }
	senderDone := make(chan struct{})

	go func() { // sender
		defer close(senderDone)
		defer close(queue)
		p, err := newPacer()
		if err != nil {
			r.errs.add(true, "pacer", err.Error())
			kill()
			return
		}
		defer p.close()
		interval := float64(n) * 1e9 / o.Rate
		var seq uint64
		for k := int64(0); ; k++ {
			intended := r.ph.start + int64(float64(int64(w.id)+k*int64(o.Connections))*interval)
			if intended >= r.ph.end {
				return
			}
			select {
			case <-dead:
				return
			default:
			}
			now := r.clk.now()
			if intended > now {
				p.sleep(time.Duration(intended - now))
				now = r.clk.now()
			}
			measured := intended >= r.ph.measStart
			behind := now - intended
			if behind > int64(o.DropAfter) {
				if measured {
					w.dropped += int64(n)
				}
				continue
			}
			if behind > int64(o.LateBound) && measured {
				w.late += int64(n)
			}
			w.wbuf = w.wbuf[:0]
			for j := 0; j < n; j++ {
				w.appendMessage(seq)
				select {
				case queue <- inflight{intended: intended, sent: now, seq: seq}:
				case <-dead:
					return
				}
				seq++
			}
			if err := w.writeBatch(); err != nil {
				select {
				case <-dead: // the reader failed first and closed the connection: already counted
				default:
					r.fail(intended, err)
					kill()
				}
				return
			}
		}
	}()

	// reader
	var deadline int64
	slack := int64(o.Timeout) / 64
	ok := true
	for it := range queue {
		if want := it.sent + int64(o.Timeout); want > deadline+slack {
			deadline = want
			_ = w.c.SetReadDeadline(r.clk.at(deadline))
		}
		op, got, err := w.readMessage()
		if err == nil {
			err = w.verify(op, got, it.seq)
		}
		if err != nil {
			r.fail(it.intended, err)
			ok = false
			kill()
			break
		}
		recv := r.clk.now()
		if it.intended >= r.ph.measStart {
			w.hist.record(recv-it.intended, recv-it.sent)
			w.completed++
		} else {
			w.warmCompleted++
		}
	}
	if ok {
		<-senderDone
		w.closeGracefully()
		return
	}
	kill()
	<-senderDone
}

// wsGoroutineEngine connects every connection (32 handshakes at a time), then runs one goroutine
// per connection (two in rate mode) until the end.
func wsGoroutineEngine(o *wsOptions, clk clock) *wsResult {
	r := &wsRun{o: o, clk: clk, errs: newErrorLog()}
	res := &wsResult{errs: r.errs, rec: newRecorder(o.Connections)}

	// Connect everything first (32 handshakes at a time), then start the clock of the run.
	conns := make([]*wsConn, o.Connections)
	var failed atomic.Int64
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	for i := range conns {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			ctx, cancel := context.WithTimeout(context.Background(), o.Timeout)
			defer cancel()
			w, err := dialWS(ctx, o, i)
			if err != nil {
				failed.Add(1)
				r.errs.add(true, "connect", err.Error())
				return
			}
			w.hist = res.rec.shard(i)
			conns[i] = w
		}()
	}
	wg.Wait()

	start := clk.now()
	r.ph = phases{start: start, measStart: start + int64(o.Warmup), end: start + int64(o.Warmup+o.Duration)}
	res.ph = r.ph
	// Hard stop: whatever is still running this long after the end is cut off.
	watchdog := time.AfterFunc(time.Duration(r.ph.end-clk.now())+o.Timeout+5*time.Second, func() {
		r.aborted.Store(true)
		for _, w := range conns {
			if w != nil {
				_ = w.c.Close()
			}
		}
	})
	defer watchdog.Stop()

	done := make(chan struct{})
	for _, w := range conns {
		if w == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if o.Mode == "rate" {
				r.rateConn(w)
			} else {
				r.closedLoop(w)
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	res.cpuA, res.cpuB = measureCPU(clk, r.ph, done, o.CPUProfile)
	<-done

	for _, w := range conns {
		if w == nil {
			continue
		}
		res.completed += w.completed
		res.warmCompleted += w.warmCompleted
		res.dropped += w.dropped
		res.late += w.late
	}
	res.failed = failed.Load()
	return res
}
