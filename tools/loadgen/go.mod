module gauntlet/tools/loadgen

go 1.22

require (
	github.com/HdrHistogram/hdrhistogram-go v1.1.2
	github.com/gobwas/ws v1.4.0
	golang.org/x/sys v0.30.0
)

require (
	github.com/gobwas/httphead v0.1.0 // indirect
	github.com/gobwas/pool v0.2.1 // indirect
)
