// Command loadgen is Gauntlet's small load client: WebSocket echo load (closed loop or fixed
// rate), fixed-rate HTTP/1.1 keep-alive load and fixed-rate finite event streams, with latency in an HdrHistogram measured from
// the intended send time in the open (rate) models, and the client's own CPU use reported.
//
// See README.md for the flags, the JSON it writes and how it measures.
package main

import (
	"fmt"
	"io"
	"os"
)

// version is set at build time by scripts/loadgen.sh (-X main.version=...): a hash of the source.
var version = "dev"

const usageText = `loadgen: Gauntlet's load client

usage:
  loadgen ws   --url ws://127.0.0.1:PORT/ws [--mode closed|rate] [flags]   WebSocket echo load
  loadgen http --url http://127.0.0.1:PORT/path --rate R [flags]           fixed-rate HTTP/1.1 load
  loadgen sse  --url http://127.0.0.1:PORT/sse?events=N --rate R
               (--expect-body-file F | --expect-events N) [flags]          fixed-rate event streams
  loadgen version

Run "loadgen ws -h", "loadgen http -h" or "loadgen sse -h" for the flags. Exit status: 0 ok, 1 the run had errors
(or completed nothing), 2 bad usage or setup.
`

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run is the whole command (tests call it directly); it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return 2
	}
	switch args[0] {
	case "ws":
		return runWS(args[1:], stdout, stderr)
	case "http":
		return runHTTP(args[1:], stdout, stderr)
	case "sse":
		return runSSE(args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "loadgen %s\n", version)
		return 0
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usageText)
		return 0
	default:
		fmt.Fprintf(stderr, "loadgen: error: unknown subcommand %q\n\n%s", args[0], usageText)
		return 2
	}
}
