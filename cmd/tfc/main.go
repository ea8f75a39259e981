// Command tfc compiles, runs, tests and inspects ONNX models.
//
// Usage:
//
//	tfc compile model.onnx [-o model.tfc] [--shape NAME=SHAPE ...] [--stats] [--quiet] ...
//	tfc run model.(onnx|tfc) [--input NAME=FILE ...] [FILE ...] [--output-dir DIR] [--reference] [--quiet]
//	tfc test DIR [--rtol R] [--atol A] [--compiled] [-v]
//	tfc inspect model.onnx
//	tfc bench model.(onnx|tfc) [--threads N] [--iters N] [--shape NAME=SHAPE ...]
//	tfc version
//	tfc help [COMMAND]
//
// Run `tfc help COMMAND` for the details of each command. The exit status is
// 0 on success, 1 when a command fails (bad files, failed tests) and 2 on
// usage errors.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

const mainUsage = `tfc compiles and runs ONNX transformer models.

Usage:
  tfc compile model.onnx [-o model.tfc] [--shape NAME=SHAPE ...] [--stats] ...
                       optimize a model and write the compiled .tfc artifact
  tfc run model.(onnx|tfc) [--input NAME=FILE ...] [FILE ...] [--output-dir DIR]
                       run a model on input tensors and summarize its outputs
                       (compiled; --reference for the reference interpreter)
  tfc test DIR [--rtol R] [--atol A] [--compiled] [-v]
                       run a model folder in the ONNX test-data layout and
                       compare with its reference outputs
  tfc inspect model.onnx
                       describe a model: opsets, inputs, outputs, parameters, ops
  tfc bench model.(onnx|tfc) [--threads N] [--iters N] [--shape NAME=SHAPE ...]
                       time a model on random inputs: latency, GFLOP/s, peak memory
  tfc version          print the version
  tfc help [COMMAND]   print this text, or the details of COMMAND
`

// command is one subcommand: its usage text and its implementation, which
// receives the arguments after the command name.
type command struct {
	usage string
	run   func(args []string, stdout, stderr io.Writer) int
}

// commands is filled in init because the help command refers back to it.
var commands map[string]command

func init() {
	commands = map[string]command{
		"compile": {compileUsage, cmdCompile},
		"run":     {runUsage, cmdRun},
		"test":    {testUsage, cmdTest},
		"inspect": {inspectUsage, cmdInspect},
		"bench":   {benchUsage, cmdBench},
		"version": {"Usage: tfc version\n\nPrints the tfc version, its source revision and the Go toolchain.\n", cmdVersion},
		"help":    {"Usage: tfc help [COMMAND]\n\nPrints the list of commands, or the details of COMMAND.\n", cmdHelp},
	}
}

// run executes the command line args (without the program name) and
// returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, mainUsage)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		name = "help"
	case "-version", "--version":
		name = "version"
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "tfc: unknown command %q\n\n%s", args[0], mainUsage)
		return exitUsage
	}
	return c.run(args[1:], stdout, stderr)
}

func cmdHelp(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stdout, mainUsage)
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok || len(args) > 1 {
		fmt.Fprintf(stderr, "tfc help: unknown command %q\n\n%s", strings.Join(args, " "), mainUsage)
		return exitUsage
	}
	fmt.Fprint(stdout, c.usage)
	return exitOK
}

func cmdVersion(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "tfc version: unexpected argument %q\n", args[0])
		return exitUsage
	}
	fmt.Fprintf(stdout, "tfc %s %s %s/%s\n", buildVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return exitOK
}

// buildVersion returns the module version and, for builds from a checkout,
// the source revision.
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision":
			v += " " + s.Value
		case s.Key == "vcs.modified" && s.Value == "true":
			v += "+modified"
		}
	}
	return v
}

// parseArgs parses flags that may appear before, between or after the
// positional arguments, which it returns. After "--" everything is
// positional. It prints flag errors with the command's usage; the status is
// exitOK after -h and exitUsage after an error.
func parseArgs(fs *flag.FlagSet, usage string, args []string, stdout, stderr io.Writer) ([]string, int, bool) {
	fs.SetOutput(stderr)
	fs.Usage = func() {}
	var pos []string
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return nil, exitOK, false
		}
		if err != nil {
			fmt.Fprintf(stderr, "\n%s", usage)
			return nil, exitUsage, false
		}
		rest := fs.Args()
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), 0, true
		}
		if len(rest) == 0 {
			return pos, 0, true
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// usageError prints a usage problem of command name and returns exitUsage.
func usageError(stderr io.Writer, name, usage, format string, args ...any) int {
	fmt.Fprintf(stderr, "tfc %s: %s\n\n%s", name, fmt.Sprintf(format, args...), usage)
	return exitUsage
}

// fail prints the error of command name and returns exitFail.
func fail(stderr io.Writer, name string, err error) int {
	fmt.Fprintf(stderr, "tfc %s: %v\n", name, err)
	return exitFail
}
