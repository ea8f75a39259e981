// Package onnxpb holds the Go types generated from ONNX's wire schema
// (onnx.proto, copied here from the ONNX 1.22 specification with only a
// go_package option added). Regenerate with `go generate` after installing
// protoc and protoc-gen-go v1.36.12.
package onnxpb

//go:generate protoc --go_out=. --go_opt=paths=source_relative onnx.proto
