package codegen

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/tfc-project/tfc/ir"
)

// maxDepth bounds the nesting of graphs in an artifact.
const maxDepth = 64

// decoder reads the metadata of an artifact with bounds checks everywhere;
// its first error sticks and every later read returns zero values.
type decoder struct {
	b       []byte
	off     int
	err     error
	weights []byte
	inPlace bool
	vals    []*ir.Value
	depth   int
	// packed leaves packed-only weights without row-major data (ReadPacked).
	packed bool
	only   []*ir.Value // packed-only weights, in value order
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("tfc artifact: metadata at byte %d: %s", d.off, fmt.Sprintf(format, args...))
	}
}

func (d *decoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 {
		d.fail("bad or truncated number")
		return 0
	}
	d.off += n
	return v
}

func (d *decoder) int() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b[d.off:])
	if n <= 0 {
		d.fail("bad or truncated number")
		return 0
	}
	d.off += n
	return v
}

// count reads a length that each element needs at least one byte of
// metadata for, so no allocation exceeds what the file justifies.
func (d *decoder) count() int {
	n := d.uint()
	if n > uint64(len(d.b)-d.off) {
		d.fail("count %d exceeds the remaining %d bytes", n, len(d.b)-d.off)
		return 0
	}
	return int(n)
}

func (d *decoder) bytes(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || n > len(d.b)-d.off {
		d.fail("%d bytes run past the end", n)
		return nil
	}
	b := d.b[d.off : d.off+n]
	d.off += n
	return b
}

func (d *decoder) str() string { return string(d.bytes(d.count())) }

func (d *decoder) f32() float32 {
	v := d.uint()
	if v > math.MaxUint32 {
		d.fail("bad float")
	}
	return math.Float32frombits(uint32(v))
}

func (d *decoder) ref() *ir.Value {
	id := d.uint()
	if id == 0 {
		return nil
	}
	if id > uint64(len(d.vals)) {
		d.fail("value %d out of range", id-1)
		return nil
	}
	return d.vals[id-1]
}

func (d *decoder) refs() []*ir.Value {
	n := d.count()
	var vs []*ir.Value
	for i := 0; i < n && d.err == nil; i++ {
		vs = append(vs, d.ref())
	}
	return vs
}

func (d *decoder) shape() []int64 {
	n := d.count()
	s := make([]int64, 0, n)
	for i := 0; i < n && d.err == nil; i++ {
		s = append(s, d.int())
	}
	return s
}

func (d *decoder) strings() []string {
	n := d.count()
	var ss []string
	for i := 0; i < n && d.err == nil; i++ {
		ss = append(ss, d.str())
	}
	return ss
}

func (d *decoder) dtype() ir.DType {
	dt := ir.DType(d.int())
	if !dt.Valid() {
		d.fail("bad dtype %d", int(dt))
	}
	return dt
}

// tensorHead reads a dtype and shape and checks the element count.
func (d *decoder) tensorHead() (ir.DType, []int64, int) {
	dt := d.dtype()
	shape := d.shape()
	n, err := ir.NumElements(shape)
	if err != nil && d.err == nil {
		d.fail("%v", err)
	}
	return dt, shape, int(n)
}

// data turns raw little-endian bytes into a tensor's data.
func (d *decoder) data(dt ir.DType, n int, b []byte, shared bool) any {
	size := ElemSize(dt)
	if d.err != nil || size == 0 || len(b) != n*size {
		d.fail("%v data of %d bytes for %d elements", dt, len(b), n)
		return nil
	}
	if !shared {
		c := AlignedBytes(int64(len(b)))
		copy(c, b)
		b = c
	}
	return View(dt, b, n)
}

func (d *decoder) tensor() *ir.Tensor {
	if d.uint() == 0 || d.err != nil {
		return nil
	}
	dt, shape, n := d.tensorHead()
	if dt == ir.String {
		ss := d.strings()
		if d.err == nil && len(ss) != n {
			d.fail("%d strings for %d elements", len(ss), n)
		}
		return &ir.Tensor{DType: dt, Shape: shape, Data: ss}
	}
	return &ir.Tensor{DType: dt, Shape: shape, Data: d.data(dt, n, d.bytes(d.count()), false)}
}

// weight reads a constant whose data lie in the weights section, or in
// the packed-weights table when only reports so (its Data is then nil).
func (d *decoder) weight() (t *ir.Tensor, only bool) {
	dt, shape, n := d.tensorHead()
	switch d.uint() {
	case storeRaw:
	case storeStrings:
		ss := d.strings()
		if d.err == nil && len(ss) != n {
			d.fail("%d strings for %d elements", len(ss), n)
		}
		return &ir.Tensor{DType: dt, Shape: shape, Data: ss}, false
	case storePackedOnly:
		if d.err == nil && (dt != ir.Float32 || len(shape) != 2 || n == 0) {
			d.fail("packed-only weight of type %v%v, want a non-empty float32 matrix", dt, shape)
		}
		return &ir.Tensor{DType: dt, Shape: shape, Data: []float32(nil)}, true
	default:
		d.fail("bad storage kind")
		return nil, false
	}
	off := d.uint()
	size := uint64(n) * uint64(ElemSize(dt))
	b := d.section(off, size)
	if d.err != nil {
		return nil, false
	}
	return &ir.Tensor{DType: dt, Shape: shape, Data: d.data(dt, n, b, d.inPlace)}, false
}

// section returns size bytes at the aligned offset off of the weights
// section.
func (d *decoder) section(off, size uint64) []byte {
	if d.err == nil && (off%Alignment != 0 || off > uint64(len(d.weights)) || size > uint64(len(d.weights))-off) {
		d.fail("weight at %d (%d bytes) outside the %d-byte weights section", off, size, len(d.weights))
	}
	if d.err != nil {
		return nil
	}
	return d.weights[off : off+size]
}

// packedTable reads the packed-weights table into p.
func (d *decoder) packedTable(p *Plan) {
	for i, n := 0, d.count(); i < n && d.err == nil; i++ {
		v := d.ref()
		trans := d.uint()
		l := PackLayout{Name: d.str()}
		l.Version, l.KC, l.NR = int(min(d.uint(), math.MaxInt32)), int(min(d.uint(), math.MaxInt32)), int(min(d.uint(), math.MaxInt32))
		off := d.uint()
		if d.err != nil {
			return
		}
		switch {
		case v == nil || p.ValueID(v) < 0 || v.Const == nil || v.Const.DType != ir.Float32 || len(v.Const.Shape) != 2:
			d.fail("packed weight %d is not a float32 matrix constant of the graph", i)
		case trans > 1:
			d.fail("packed weight %q: bad transposition flag", v.Name)
		case !l.Valid():
			d.fail("packed weight %q: bad layout %v", v.Name, l)
		case p.Interpreted != "":
			d.fail("packed weights in a plan that runs through the interpreter")
		}
		if d.err != nil {
			return
		}
		w := &PackedWeight{Value: v, Trans: trans == 1, Layout: l, Only: slices.Contains(d.only, v)}
		size := uint64(l.PanelLen(w.K(), w.N())) * 4 // k, n <= ir.MaxElements: no overflow
		b := d.section(off, size)
		if d.err != nil {
			return
		}
		w.Panels = d.data(ir.Float32, int(size/4), b, d.inPlace).([]float32)
		p.AddPacked(w)
	}
	for _, v := range d.only {
		if _, ok := p.packedOf[v.Const]; !ok && d.err == nil {
			d.fail("packed-only weight %q has no packed panels", v.Name)
		}
		if slices.Contains(p.Graph.Outputs, v) && d.err == nil {
			d.fail("packed-only weight %q is a graph output", v.Name)
		}
	}
}

func (d *decoder) valueType() *ir.Value {
	v := &ir.Value{Name: d.str(), DType: ir.DType(d.int()), Kind: ir.ValueKind(d.int())}
	if r := d.count(); r > 0 {
		v.Shape.Ranked = true
		for i := 0; i < r-1 && d.err == nil; i++ {
			v.Shape.Dims = append(v.Shape.Dims, ir.Dim{Size: d.int(), Param: d.str()})
		}
		if v.Shape.Dims == nil {
			v.Shape.Dims = []ir.Dim{}
		}
	}
	return v
}

func (d *decoder) graph(top bool) *ir.Graph {
	d.depth++
	defer func() { d.depth-- }()
	if d.depth > maxDepth {
		d.fail("graphs nested deeper than %d", maxDepth)
		return nil
	}
	g := &ir.Graph{Name: d.str()}
	if top {
		g.Doc = d.str()
		g.Opsets = map[string]int64{}
		for i, n := 0, d.count(); i < n && d.err == nil; i++ {
			dom := d.str()
			g.Opsets[dom] = d.int()
		}
	}
	g.Inputs, g.Outputs, g.Initializers = d.refs(), d.refs(), d.refs()
	for i, n := 0, d.count(); i < n && d.err == nil; i++ {
		node := &ir.Node{Name: d.str(), Op: d.str(), Domain: d.str(), Version: d.int()}
		node.Inputs, node.Outputs = d.refs(), d.refs()
		if na := d.count(); na > 0 {
			node.Attrs = map[string]*ir.Attr{}
			for j := 0; j < na && d.err == nil; j++ {
				name := d.str()
				node.Attrs[name] = d.attr()
			}
		}
		for _, o := range node.Outputs {
			if o != nil {
				o.Producer = node
			}
		}
		g.Nodes = append(g.Nodes, node)
	}
	return g
}

func (d *decoder) attr() *ir.Attr {
	a := &ir.Attr{Kind: ir.AttrKind(d.int()), Float: d.f32(), Int: d.int(), String: d.str(), Tensor: d.tensor()}
	for i, n := 0, d.count(); i < n && d.err == nil; i++ {
		a.Floats = append(a.Floats, d.f32())
	}
	a.Ints = d.shape()
	if len(a.Ints) == 0 {
		a.Ints = nil
	}
	a.Strings = d.strings()
	for i, n := 0, d.count(); i < n && d.err == nil; i++ {
		a.Tensors = append(a.Tensors, d.tensor())
	}
	a.Graph = d.optGraph()
	for i, n := 0, d.count(); i < n && d.err == nil; i++ {
		a.Graphs = append(a.Graphs, d.optGraph())
	}
	a.Type = d.typeValue()
	for i, n := 0, d.count(); i < n && d.err == nil; i++ {
		a.Types = append(a.Types, d.typeValue())
	}
	return a
}

func (d *decoder) optGraph() *ir.Graph {
	if d.uint() == 0 {
		return nil
	}
	return d.graph(false)
}

func (d *decoder) typeValue() *ir.Value {
	if d.uint() == 0 {
		return nil
	}
	return d.valueType()
}

// plan reads the whole metadata and checks it against itself.
func (d *decoder) plan() (*Plan, error) {
	for i, n := 0, d.count(); i < n && d.err == nil; i++ {
		v := d.valueType()
		if d.uint() == 1 {
			var only bool
			if v.Const, only = d.weight(); only {
				d.only = append(d.only, v)
			}
		}
		d.vals = append(d.vals, v)
	}
	g := d.graph(true)
	p := &Plan{Graph: g, Interpreted: d.str()}
	ns := d.count()
	if d.err == nil && ns != len(g.Nodes) {
		d.fail("%d steps for %d nodes", ns, len(g.Nodes))
	}
	for i := 0; i < ns && d.err == nil; i++ {
		p.Steps = append(p.Steps, Step{Node: g.Nodes[i], Kernel: d.str()})
	}
	if d.err != nil {
		return nil, d.err
	}
	p.index()
	if d.uint() == 1 {
		m := &MemPlan{ArenaBytes: d.int(), NaiveBytes: d.int(), LowerBound: d.int(), Views: int(d.int()), InPlace: int(d.int())}
		n := d.count()
		if d.err == nil && n != len(p.Values) {
			d.fail("memory plan for %d values, graph has %d", n, len(p.Values))
		}
		for i := 0; i < n && d.err == nil; i++ {
			off, size := d.int(), d.int()
			if off < -1 || size < -1 || off >= 0 && (size < 0 || off+size > m.ArenaBytes) {
				d.fail("value %d placed at %d (%d bytes) outside the %d-byte arena", i, off, size, m.ArenaBytes)
			}
			m.Offsets = append(m.Offsets, off)
			m.Bytes = append(m.Bytes, size)
		}
		if m.ArenaBytes < 0 || m.ArenaBytes > ir.MaxElements*8 {
			d.fail("bad arena size %d", m.ArenaBytes)
		}
		p.Memory = m
	}
	d.packedTable(p)
	if d.err == nil && d.off != len(d.b) {
		d.fail("%d unread bytes", len(d.b)-d.off)
	}
	if d.err != nil {
		return nil, d.err
	}
	// Verify sees every weight with data: the packed-only ones as a view
	// of their panels (long enough) while they stay packed.
	for _, v := range d.only {
		w := p.packedOf[v.Const]
		if d.packed {
			v.Const.Data = w.Panels[:w.K()*w.N()]
		} else {
			v.Const.Data = w.unpack()
		}
	}
	err := ir.Verify(g)
	if d.packed {
		for _, v := range d.only {
			v.Const.Data = []float32(nil)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("tfc artifact: %w", err)
	}
	return p, nil
}
