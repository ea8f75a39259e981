// Command genops generates ir/opschemas_gen.go, the per-version schemas of
// the ONNX operators, from the ONNX specification's Changelog.md.
//
// Usage (from package ir, via go generate):
//
//	go run ./internal/genops -spec ../../shared/onnx-spec/Changelog.md -out opschemas_gen.go
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
)

func main() {
	spec := flag.String("spec", "", "path to the ONNX Changelog.md")
	out := flag.String("out", "opschemas_gen.go", "Go file to write")
	flag.Parse()
	if *spec == "" {
		log.Fatal("genops: -spec is required")
	}
	text, err := os.ReadFile(*spec)
	if err != nil {
		log.Fatal(err)
	}
	ops, err := parseChangelog(string(text))
	if err != nil {
		log.Fatalf("genops: %s: %v", *spec, err)
	}
	src, err := render(ops)
	if err != nil {
		log.Fatalf("genops: %v", err)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "genops: wrote %d operator versions to %s\n", len(ops), *out)
}
