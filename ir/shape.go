package ir

import (
	"strconv"
	"strings"
)

// Dim is one dimension of a value's shape: a known size, a named symbolic
// size (ONNX dim_param), or unknown.
type Dim struct {
	Size  int64  // the size when known (Param == "" and Size >= 0)
	Param string // the symbolic name, if any
}

// Known reports whether the dimension has a concrete size.
func (d Dim) Known() bool { return d.Param == "" && d.Size >= 0 }

// String prints the size, the symbol, or "?".
func (d Dim) String() string {
	switch {
	case d.Param != "":
		return d.Param
	case d.Size < 0:
		return "?"
	}
	return strconv.FormatInt(d.Size, 10)
}

// Fixed is a known dimension of size n.
func Fixed(n int64) Dim { return Dim{Size: n} }

// Symbol is a named symbolic dimension.
func Symbol(name string) Dim { return Dim{Size: -1, Param: name} }

// UnknownDim is a dimension about which nothing is known.
var UnknownDim = Dim{Size: -1}

// Shape is the static shape of a value. A nil Shape with Ranked == false
// means the rank itself is unknown.
type Shape struct {
	Ranked bool
	Dims   []Dim
}

// UnrankedShape is the shape of a value whose rank is unknown.
var UnrankedShape = Shape{}

// ShapeOf returns the fully known shape with the given sizes.
func ShapeOf(sizes ...int64) Shape {
	s := Shape{Ranked: true, Dims: make([]Dim, len(sizes))}
	for i, n := range sizes {
		s.Dims[i] = Fixed(n)
	}
	return s
}

// Rank returns the number of dims, or -1 when unranked.
func (s Shape) Rank() int {
	if !s.Ranked {
		return -1
	}
	return len(s.Dims)
}

// Static reports whether every dim is known.
func (s Shape) Static() bool {
	if !s.Ranked {
		return false
	}
	for _, d := range s.Dims {
		if !d.Known() {
			return false
		}
	}
	return true
}

// Sizes returns the dims as integers, -1 for those not known.
func (s Shape) Sizes() []int64 {
	out := make([]int64, len(s.Dims))
	for i, d := range s.Dims {
		out[i] = -1
		if d.Known() {
			out[i] = d.Size
		}
	}
	return out
}

// String prints e.g. "[B,128,768]", or "[*]" when unranked.
func (s Shape) String() string {
	if !s.Ranked {
		return "[*]"
	}
	parts := make([]string, len(s.Dims))
	for i, d := range s.Dims {
		parts[i] = d.String()
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// Equal reports whether two shapes are the same, symbol for symbol.
func (s Shape) Equal(o Shape) bool {
	if s.Ranked != o.Ranked || len(s.Dims) != len(o.Dims) {
		return false
	}
	for i := range s.Dims {
		if s.Dims[i] != o.Dims[i] {
			return false
		}
	}
	return true
}
