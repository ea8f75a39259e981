//go:build !amd64

package main

func fmaLoop(n int) {}

const fmaFlopsPerIter = 0

const haveFMA = false
