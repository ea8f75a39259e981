package main

import "golang.org/x/sys/cpu"

// fmaLoop runs n iterations of 12 independent 8-wide float32 FMAs.
//
//go:noescape
func fmaLoop(n int)

// fmaFlopsPerIter is the float32 operations of one fmaLoop iteration.
const fmaFlopsPerIter = 12 * 8 * 2

var haveFMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA
