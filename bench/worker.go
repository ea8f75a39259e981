package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tfc-project/tfc/internal/benchkit"
)

// An engine is one inference library holding one model, ready to run it on
// fixed inputs.
type engine interface {
	run() error
}

// workerConfig is what a worker process is told on its command line.
type workerConfig struct {
	engine  string
	model   string
	threads int
	inputs  []benchkit.InputSpec
	outputs []string
	ortLib  string
}

// openers prepare a model on each engine; the key is the engine's flag name.
// The peer Go libraries add theirs (gonnx.go, onnxgo.go) in their own
// worker binaries.
var openers = map[string]func(c workerConfig) (engine, string, error){
	"tfc":         openTFC,
	"onnxruntime": openORT,
}

// peerTags are the build tags of the worker binaries of the pure-Go peer
// libraries, by engine.
var peerTags = map[string]string{"gonnx": "gonnx", "onnx-go": "onnxgo"}

// knownEngine reports whether engine names one the harness can run.
func knownEngine(engine string) bool {
	_, ok := openers[engine]
	return ok || peerTags[engine] != ""
}

// peerWorkers holds the worker binaries built by peerWorker, by tag.
var peerWorkers sync.Map

// peerWorker builds, once per tag, the worker binary that links a peer
// library: this package with the tag and protobuf's registration conflict
// policy set to ignore (the peers register ONNX's protobuf types under the
// same names as tfc's importer, each with its own Go types, which the
// default policy refuses at start-up). It runs the go command in the
// current folder, bench/.
func peerWorker(tag string) (string, error) {
	once, _ := peerWorkers.LoadOrStore(tag, sync.OnceValues(func() (string, error) {
		dir, err := os.MkdirTemp("", "tfc-bench-")
		if err != nil {
			return "", err
		}
		bin := filepath.Join(dir, tag+"-worker")
		cmd := exec.Command("go", "build", "-tags", tag, "-o", bin,
			"-ldflags=-X=google.golang.org/protobuf/reflect/protoregistry.conflictPolicy=ignore", ".")
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("building the %s worker: %v\n%s", tag, err, out)
		}
		return bin, nil
	}))
	return once.(func() (string, error))()
}

// workerBinary returns the program that runs engine's worker.
func workerBinary(engine string) (string, error) {
	if _, ok := openers[engine]; !ok && peerTags[engine] != "" {
		return peerWorker(peerTags[engine])
	}
	return os.Executable()
}

// The worker protocol. The parent writes one command a line on the worker's
// stdin; the worker answers one line each on file descriptor 3 (stdout is
// left to the libraries' chatter):
//
//	(on start)  "ready NAME" or "error MESSAGE"
//	"run"       "ok NANOSECONDS" or "error MESSAGE"
//	"quit"      "hwm BYTES", then the worker exits
const replyFD = 3

// worker runs the worker side of the protocol and returns the exit status.
func worker(c workerConfig, commands io.Reader, replies io.Writer) int {
	runtime.GOMAXPROCS(c.threads)
	reply := func(format string, args ...any) {
		msg := strings.ReplaceAll(fmt.Sprintf(format, args...), "\n", " ")
		fmt.Fprintln(replies, msg)
	}
	e, name, err := open(c)
	if err != nil {
		reply("error %v", err)
		return 1
	}
	reply("ready %s", name)
	sc := bufio.NewScanner(commands)
	for sc.Scan() {
		switch sc.Text() {
		case "run":
			start := time.Now()
			if err := protect(e.run); err != nil {
				reply("error %v", err)
				return 1
			}
			reply("ok %d", time.Since(start).Nanoseconds())
		case "quit":
			hwm, err := benchkit.PeakRSS()
			if err != nil {
				reply("error %v", err)
				return 1
			}
			reply("hwm %d", hwm)
			return 0
		default:
			reply("error unknown command %q", sc.Text())
			return 1
		}
	}
	return 0
}

// open prepares c's model on c's engine, turning panics into errors.
func open(c workerConfig) (e engine, name string, err error) {
	o, ok := openers[c.engine]
	if !ok {
		return nil, "", fmt.Errorf("unknown engine %q", c.engine)
	}
	err = protect(func() error {
		var err error
		e, name, err = o(c)
		return err
	})
	return e, name, err
}

// protect calls f, returning a panic as an error.
func protect(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return f()
}

// workerProc is the parent's handle on one worker process.
type workerProc struct {
	engine  string
	name    string // as the worker reported it
	replies chan string
	stdin   io.WriteCloser
	kill    func()
	timeout time.Duration
}

// startWorker starts the worker for engine c.engine by re-executing this
// binary, and waits for it to load the model.
func startWorker(c workerConfig, timeout time.Duration) (*workerProc, error) {
	self, err := workerBinary(c.engine)
	if err != nil {
		return nil, fmt.Errorf("cannot load: %w", err)
	}
	args := []string{"-worker", c.engine, "-threads", strconv.Itoa(c.threads), "-ort-lib", c.ortLib,
		"-outputs", strings.Join(c.outputs, ",")}
	for _, in := range c.inputs {
		args = append(args, "-input", in.String())
	}
	cmd := exec.Command(self, append(args, c.model)...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.ExtraFiles = []*os.File{w}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	w.Close()
	p := &workerProc{engine: c.engine, replies: make(chan string), stdin: stdin, timeout: timeout}
	p.kill = func() { cmd.Process.Kill(); cmd.Wait() }
	go func() {
		sc := bufio.NewScanner(r)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			p.replies <- sc.Text()
		}
		close(p.replies)
	}()
	name, err := p.await("ready")
	if err != nil {
		p.kill()
		return nil, fmt.Errorf("cannot load: %w", err)
	}
	p.name = name
	return p, nil
}

// await reads the worker's next reply, which must start with word, and
// returns the rest. A worker that does not answer in time is killed.
func (p *workerProc) await(word string) (string, error) {
	select {
	case line, ok := <-p.replies:
		if !ok {
			return "", fmt.Errorf("worker exited without answering")
		}
		w, rest, _ := strings.Cut(line, " ")
		if w != word {
			if w == "error" {
				return "", fmt.Errorf("%s", rest)
			}
			return "", fmt.Errorf("unexpected reply %q", line)
		}
		return rest, nil
	case <-time.After(p.timeout):
		p.kill()
		return "", fmt.Errorf("timed out after %v", p.timeout)
	}
}

// step runs the model once in the worker and returns the time it took.
func (p *workerProc) step() (time.Duration, error) {
	if _, err := fmt.Fprintln(p.stdin, "run"); err != nil {
		p.kill()
		return 0, fmt.Errorf("cannot run: %w", err)
	}
	s, err := p.await("ok")
	if err != nil {
		p.kill()
		return 0, fmt.Errorf("cannot run: %w", err)
	}
	ns, err := strconv.ParseInt(s, 10, 64)
	return time.Duration(ns), err
}

// quit ends the worker and returns its peak RSS in bytes.
func (p *workerProc) quit() (int64, error) {
	defer p.kill()
	if _, err := fmt.Fprintln(p.stdin, "quit"); err != nil {
		return 0, err
	}
	s, err := p.await("hwm")
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(s, 10, 64)
}
