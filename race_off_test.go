//go:build !race

package tfc

const raceEnabled = false
