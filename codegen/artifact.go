package codegen

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"sort"
	"sync/atomic"
	"unsafe"

	"github.com/tfc-project/tfc/internal/mmap"
	"github.com/tfc-project/tfc/ir"
)

// Magic starts every .tfc file.
const Magic = "TFCMODEL"

// FormatVersion is the version of the .tfc format this package writes
// and the only one it reads.
const FormatVersion = 2

// headerSize is the size of the fixed header (see FORMAT.md).
const headerSize = 64

// Write writes p as a .tfc artifact (see FORMAT.md).
func Write(w io.Writer, p *Plan) error {
	if !littleEndian() {
		return errors.New("tfc artifact: writing needs a little-endian machine")
	}
	e := &encoder{ids: map[*ir.Value]int{}, only: map[*ir.Value]bool{}}
	e.collect(p.Graph)
	for _, w := range p.Packed {
		if _, ok := e.ids[w.Value]; !ok {
			return fmt.Errorf("tfc artifact: packed weight %q is not a value of the graph", w.Value.Name)
		}
		if err := checkPacked(w); err != nil {
			return err
		}
		if w.Only {
			e.only[w.Value] = true
		}
	}
	e.values()
	e.graph(p.Graph, true)
	e.str(p.Interpreted)
	e.uint(uint64(len(p.Steps)))
	for _, s := range p.Steps {
		e.str(s.Kernel)
	}
	if m := p.Memory; m != nil {
		e.uint(1)
		for _, n := range []int64{m.ArenaBytes, m.NaiveBytes, m.LowerBound, int64(m.Views), int64(m.InPlace)} {
			e.int(n)
		}
		e.uint(uint64(len(m.Offsets)))
		for i := range m.Offsets {
			e.int(m.Offsets[i])
			e.int(m.Bytes[i])
		}
	} else {
		e.uint(0)
	}
	e.packed(p.Packed)
	// Body: meta length, meta, padding, weights. The weights are written
	// from where they are, never gathered into one buffer: a compile holds
	// the model's weights once, not three times. Panels packed on demand
	// are packed twice, for the checksum in the header and for writing,
	// and dropped each time.
	head := binary.LittleEndian.AppendUint64(nil, uint64(e.buf.Len()))
	head = append(head, e.buf.Bytes()...)
	head = append(head, zeros[:padding(headerSize+len(head))]...)
	body := append([]piece{{b: head, n: int64(len(head))}}, e.weights.pieces...)
	sum := sha256.New()
	for _, p := range body {
		b, err := p.bytes()
		if err != nil {
			return err
		}
		sum.Write(b)
	}
	var h [headerSize]byte
	copy(h[:], Magic)
	binary.LittleEndian.PutUint32(h[8:], FormatVersion)
	binary.LittleEndian.PutUint32(h[12:], headerSize)
	binary.LittleEndian.PutUint64(h[16:], uint64(int64(len(head))+e.weights.size))
	copy(h[24:56], sum.Sum(nil))
	if _, err := w.Write(h[:]); err != nil {
		return err
	}
	for _, p := range body {
		b, err := p.bytes()
		if err == nil {
			_, err = w.Write(b)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// zeros pads to the next multiple of Alignment.
var zeros [Alignment]byte

// padding is the number of zeros that take n to a multiple of Alignment.
func padding(n int) int { return (Alignment - n%Alignment) % Alignment }

// section is the weights section as the pieces it is written from: the
// tensors' own memory and the zeros between them, or, for panels packed
// on demand, the function that makes them.
type section struct {
	pieces []piece
	size   int64
}

// piece is bytes of the weights section: b, or when make is set, the n
// bytes it returns.
type piece struct {
	b    []byte
	make func() []byte
	n    int64
}

// bytes returns the piece's bytes, made anew for a lazy piece (the
// caller drops them after use); an error when make gives another length.
func (p piece) bytes() ([]byte, error) {
	if p.make == nil {
		return p.b, nil
	}
	b := p.make()
	if int64(len(b)) != p.n {
		return nil, fmt.Errorf("tfc artifact: packed panels of %d bytes, want %d", len(b), p.n)
	}
	return b, nil
}

// place adds b at the next 64-byte-aligned offset and returns that offset.
func (s *section) place(b []byte) uint64 { return s.placeLazy(piece{b: b, n: int64(len(b))}) }

// placeLazy adds p at the next 64-byte-aligned offset and returns that
// offset.
func (s *section) placeLazy(p piece) uint64 {
	if n := padding(int(s.size % Alignment)); n > 0 {
		s.pieces = append(s.pieces, piece{b: zeros[:n], n: int64(n)})
		s.size += int64(n)
	}
	off := uint64(s.size)
	s.pieces = append(s.pieces, p)
	s.size += p.n
	return off
}

// ReadFile reads a .tfc artifact from path.
func ReadFile(path string) (*Plan, error) {
	f, st, err := openArtifact(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := AlignedBytes(st.Size())
	if _, err := io.ReadFull(f, buf); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	p, err := Read(buf)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// openArtifact opens the artifact file at path and checks its size.
func openArtifact(path string) (*os.File, os.FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err == nil && st.Size() > maxFileSize {
		err = fmt.Errorf("%s: file too large (%d bytes)", path, st.Size())
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, st, nil
}

// maxFileSize bounds the size of an artifact file.
const maxFileSize = math.MaxInt32 * int64(16)

// MapFile maps the .tfc artifact at path read-only and decodes it like
// ReadPacked: the weights and the packed panels are used in place from
// the mapping, never copied, and pages are read from disk as they are
// first touched (the checksum check reads the whole file once). The
// mapping is released by a cleanup when the returned Plan becomes
// unreachable (runtime.AddCleanup): keep the Plan (or an executor, model
// or session holding it) alive while anything uses its tensors. Where
// mapping is not available (another system, or a file that cannot be
// mapped) the file is read into memory instead.
//
// As with every memory-mapped model (onnxruntime's external data too),
// the file must not be truncated or rewritten in place while the plan is
// in use: a page that vanished from the file makes the next access to it
// fault (SIGBUS on Linux), which no error can report. Replace a model file
// by renaming a new one over it instead.
func MapFile(path string) (*Plan, error) {
	return loadFile(path, func(f *os.File, size int64) ([]byte, func(), error) {
		data, unmap, err := mmap.Map(f, size)
		if err != nil {
			return nil, nil, nil // read into the Go heap instead
		}
		return data, unmap, nil
	})
}

// LoadFile reads the .tfc artifact at path into memory of its own and
// decodes it like ReadPacked, the weights and packed panels used in place.
// On Linux that memory lies outside the Go heap and is backed by
// transparent huge pages where the system allows them (MADV_HUGEPAGE):
// the GEMM kernels stream the weights of a transformer from it with a
// fraction of the TLB misses of 4 KiB pages, which makes runs faster and
// steadier than from a mapping of the file (MapFile). It is released by a
// cleanup when the Plan becomes unreachable, as with MapFile. Elsewhere the
// file is read into the Go heap.
func LoadFile(path string) (*Plan, error) {
	return loadFile(path, func(f *os.File, size int64) ([]byte, func(), error) {
		data, release, err := hugePageBytes(size)
		if err != nil {
			return nil, nil, nil // read into the Go heap instead
		}
		if _, err := io.ReadFull(f, data); err != nil {
			release()
			return nil, nil, err
		}
		return data, release, nil
	})
}

// loadFile opens the artifact at path and decodes it with ReadPacked from
// the memory get returns, released by a cleanup of the plan. Where get
// returns no memory and no error, the file is read into the Go heap.
func loadFile(path string, get func(f *os.File, size int64) (data []byte, release func(), err error)) (*Plan, error) {
	f, st, err := openArtifact(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var data []byte
	var release func()
	if st.Size() >= headerSize && st.Mode().IsRegular() {
		if data, release, err = get(f, st.Size()); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	if release == nil {
		data = AlignedBytes(st.Size())
		if _, err := io.ReadFull(f, data); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	p, err := ReadPacked(data)
	if err != nil {
		if release != nil {
			release()
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if release != nil {
		runtime.AddCleanup(p, func(release func()) { release(); unmapped.Add(1) }, release)
	}
	return p, nil
}

// unmapped counts the memory released by the cleanups of MapFile and
// LoadFile (for tests).
var unmapped atomic.Int64

// Read decodes a .tfc artifact held in data. Weights are used in place
// when data is 64-byte aligned (as ReadFile makes it), copied otherwise;
// data must not change afterwards. Every constant of the plan holds its
// row-major data: a weight stored only as packed panels (PackedWeight.Only)
// is unpacked into new memory. A file that is truncated, tampered with,
// of another version or not a .tfc file at all is an error.
func Read(data []byte) (*Plan, error) { return read(data, false) }

// ReadPacked is Read for executors: a weight stored only as packed panels
// keeps them alone, used in place, and its ir.Tensor has no data (a nil
// []float32) until Plan.Unpacked or Plan.Restore gives them back; code
// other than the executor that reads the graph's constants (the reference
// interpreter) must go through Plan.Unpacked or call Plan.RestoreAll.
func ReadPacked(data []byte) (*Plan, error) { return read(data, true) }

func read(data []byte, packed bool) (p *Plan, err error) {
	if !littleEndian() {
		return nil, errors.New("tfc artifact: reading needs a little-endian machine")
	}
	if len(data) < headerSize || string(data[:8]) != Magic {
		return nil, errors.New("not a tfc artifact (bad magic)")
	}
	if v := binary.LittleEndian.Uint32(data[8:]); v != FormatVersion {
		return nil, fmt.Errorf("tfc artifact format version %d, this build reads only version %d: recompile the model", v, FormatVersion)
	}
	if hs := binary.LittleEndian.Uint32(data[12:]); hs != headerSize {
		return nil, fmt.Errorf("tfc artifact: header size %d, want %d", hs, headerSize)
	}
	n := binary.LittleEndian.Uint64(data[16:])
	if n != uint64(len(data)-headerSize) {
		return nil, fmt.Errorf("tfc artifact: body of %d bytes, header says %d (truncated or extended file)", len(data)-headerSize, n)
	}
	body := data[headerSize:]
	if sum := sha256.Sum256(body); !bytes.Equal(sum[:], data[24:56]) {
		return nil, errors.New("tfc artifact: checksum mismatch (corrupted or tampered file)")
	}
	if len(body) < 8 {
		return nil, errors.New("tfc artifact: body too short")
	}
	metaLen := binary.LittleEndian.Uint64(body)
	if metaLen > uint64(len(body)-8) {
		return nil, errors.New("tfc artifact: metadata runs past the end")
	}
	weightsAt := headerSize + 8 + int(metaLen)
	weightsAt += (Alignment - weightsAt%Alignment) % Alignment
	if weightsAt > len(data) {
		return nil, errors.New("tfc artifact: weights section runs past the end")
	}
	d := &decoder{b: body[8 : 8+metaLen], weights: data[weightsAt:], inPlace: uintptr(unsafe.Pointer(unsafe.SliceData(data)))%Alignment == 0, packed: packed}
	defer func() {
		if r := recover(); r != nil { // a decoder bug must not crash the caller
			p, err = nil, fmt.Errorf("tfc artifact: %v", r)
		}
	}()
	return d.plan()
}

func littleEndian() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}

// encoder writes the metadata; weights go to their own section.
type encoder struct {
	buf     bytes.Buffer
	weights section
	ids     map[*ir.Value]int
	order   []*ir.Value
	only    map[*ir.Value]bool // weights stored as packed panels alone
}

func (e *encoder) uint(v uint64) { e.buf.Write(binary.AppendUvarint(nil, v)) }
func (e *encoder) int(v int64)   { e.buf.Write(binary.AppendVarint(nil, v)) }
func (e *encoder) str(s string)  { e.uint(uint64(len(s))); e.buf.WriteString(s) }
func (e *encoder) f32(f float32) { e.uint(uint64(math.Float32bits(f))) }

// ref writes a value reference: 0 for nil, id+1 otherwise.
func (e *encoder) ref(v *ir.Value) {
	if v == nil {
		e.uint(0)
		return
	}
	e.uint(uint64(e.ids[v] + 1))
}

// collect numbers every value of g and its nested graphs; the top-level
// values come first, in the order of Values.
func (e *encoder) collect(g *ir.Graph) {
	add := func(v *ir.Value) {
		if _, ok := e.ids[v]; v != nil && !ok {
			e.ids[v] = len(e.order)
			e.order = append(e.order, v)
		}
	}
	for _, v := range Values(g) {
		add(v)
	}
	var visit func(g *ir.Graph)
	visit = func(g *ir.Graph) {
		for _, v := range g.Inputs {
			add(v)
		}
		for _, v := range g.Initializers {
			add(v)
		}
		for _, n := range g.Nodes {
			for _, v := range n.Inputs {
				add(v)
			}
			for _, v := range n.Outputs {
				add(v)
			}
			for _, name := range attrNames(n) {
				a := n.Attrs[name]
				for _, sg := range subgraphs(a) {
					visit(sg)
				}
			}
		}
		for _, v := range g.Outputs {
			add(v)
		}
	}
	visit(g)
}

// values writes the value table; constants' data go to the weights.
func (e *encoder) values() {
	e.uint(uint64(len(e.order)))
	for _, v := range e.order {
		e.valueType(v)
		if v.Const == nil {
			e.uint(0)
			continue
		}
		e.uint(1)
		e.weight(v.Const, e.only[v])
	}
}

// valueType writes a value's name, dtype, kind and shape.
func (e *encoder) valueType(v *ir.Value) {
	e.str(v.Name)
	e.int(int64(v.DType))
	e.int(int64(v.Kind))
	if !v.Shape.Ranked {
		e.uint(0)
		return
	}
	e.uint(uint64(len(v.Shape.Dims)) + 1)
	for _, d := range v.Shape.Dims {
		e.int(d.Size)
		e.str(d.Param)
	}
}

// Storage kinds of a constant (see FORMAT.md).
const (
	storeRaw        = 0 // raw elements in the weights section
	storeStrings    = 1 // strings inline in the metadata
	storePackedOnly = 2 // only the packed panels (the packed-weights table)
)

// weight places t's data, 64-byte aligned, in the weights section, or
// writes nothing but its type when only its packed panels are stored.
func (e *encoder) weight(t *ir.Tensor, packedOnly bool) {
	e.int(int64(t.DType))
	e.shape(t.Shape)
	switch {
	case t.DType == ir.String:
		e.uint(storeStrings)
		e.strings(t.Data.([]string))
		return
	case packedOnly:
		e.uint(storePackedOnly)
		return
	}
	e.uint(storeRaw)
	e.uint(e.place(Raw(t.Data)))
}

// place adds b to the weights section at a 64-byte-aligned offset and
// returns that offset.
func (e *encoder) place(b []byte) uint64 { return e.weights.place(b) }

// packed writes the packed-weights table; the panels go to the weights.
func (e *encoder) packed(ws []*PackedWeight) {
	e.uint(uint64(len(ws)))
	for _, w := range ws {
		e.ref(w.Value)
		e.uint(b2u(w.Trans))
		e.str(w.Layout.Name)
		e.uint(uint64(w.Layout.Version))
		e.uint(uint64(w.Layout.KC))
		e.uint(uint64(w.Layout.NR))
		if w.Panels != nil {
			e.uint(e.place(bytesOf(w.Panels)))
			continue
		}
		e.uint(e.weights.placeLazy(piece{make: func() []byte { return bytesOf(w.Pack()) }, n: 4 * int64(w.Layout.PanelLen(w.K(), w.N()))}))
	}
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// checkPacked checks that a packed weight can be written.
func checkPacked(w *PackedWeight) error {
	t := w.Value.Const
	switch {
	case t == nil || t.DType != ir.Float32 || len(t.Shape) != 2:
		return fmt.Errorf("tfc artifact: packed weight %q is not a float32 matrix constant", w.Value.Name)
	case !w.Layout.Valid():
		return fmt.Errorf("tfc artifact: packed weight %q: bad layout %v", w.Value.Name, w.Layout)
	case w.Panels == nil && w.Pack == nil:
		return fmt.Errorf("tfc artifact: packed weight %q has no panels", w.Value.Name)
	case w.Panels != nil && len(w.Panels) != w.Layout.PanelLen(w.K(), w.N()):
		return fmt.Errorf("tfc artifact: packed weight %q: %d float32 of panels, %dx%d in %v needs %d",
			w.Value.Name, len(w.Panels), w.K(), w.N(), w.Layout, w.Layout.PanelLen(w.K(), w.N()))
	}
	return nil
}

// tensor writes a small tensor (an attribute) inline.
func (e *encoder) tensor(t *ir.Tensor) {
	if t == nil {
		e.uint(0)
		return
	}
	e.uint(1)
	e.int(int64(t.DType))
	e.shape(t.Shape)
	if t.DType == ir.String {
		e.strings(t.Data.([]string))
		return
	}
	b := Raw(t.Data)
	e.uint(uint64(len(b)))
	e.buf.Write(b)
}

func (e *encoder) shape(s []int64) {
	e.uint(uint64(len(s)))
	for _, d := range s {
		e.int(d)
	}
}

func (e *encoder) strings(ss []string) {
	e.uint(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}

func (e *encoder) refs(vs []*ir.Value) {
	e.uint(uint64(len(vs)))
	for _, v := range vs {
		e.ref(v)
	}
}

// graph writes g: the top level also carries its opsets and doc.
func (e *encoder) graph(g *ir.Graph, top bool) {
	e.str(g.Name)
	if top {
		e.str(g.Doc)
		domains := make([]string, 0, len(g.Opsets))
		for d := range g.Opsets {
			domains = append(domains, d)
		}
		sort.Strings(domains)
		e.uint(uint64(len(domains)))
		for _, d := range domains {
			e.str(d)
			e.int(g.Opsets[d])
		}
	}
	e.refs(g.Inputs)
	e.refs(g.Outputs)
	e.refs(g.Initializers)
	e.uint(uint64(len(g.Nodes)))
	for _, n := range g.Nodes {
		e.str(n.Name)
		e.str(n.Op)
		e.str(n.Domain)
		e.int(n.Version)
		e.refs(n.Inputs)
		e.refs(n.Outputs)
		names := attrNames(n)
		e.uint(uint64(len(names)))
		for _, name := range names {
			e.str(name)
			e.attr(n.Attrs[name])
		}
	}
}

// attr writes every field of an attribute.
func (e *encoder) attr(a *ir.Attr) {
	e.int(int64(a.Kind))
	e.f32(a.Float)
	e.int(a.Int)
	e.str(a.String)
	e.tensor(a.Tensor)
	e.uint(uint64(len(a.Floats)))
	for _, f := range a.Floats {
		e.f32(f)
	}
	e.shape(a.Ints)
	e.strings(a.Strings)
	e.uint(uint64(len(a.Tensors)))
	for _, t := range a.Tensors {
		e.tensor(t)
	}
	e.optGraph(a.Graph)
	e.uint(uint64(len(a.Graphs)))
	for _, g := range a.Graphs {
		e.optGraph(g)
	}
	e.typeValue(a.Type)
	e.uint(uint64(len(a.Types)))
	for _, t := range a.Types {
		e.typeValue(t)
	}
}

func (e *encoder) optGraph(g *ir.Graph) {
	if g == nil {
		e.uint(0)
		return
	}
	e.uint(1)
	e.graph(g, false)
}

func (e *encoder) typeValue(v *ir.Value) {
	if v == nil {
		e.uint(0)
		return
	}
	e.uint(1)
	e.valueType(v)
}

func attrNames(n *ir.Node) []string {
	names := make([]string, 0, len(n.Attrs))
	for k := range n.Attrs {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

func subgraphs(a *ir.Attr) []*ir.Graph {
	gs := append([]*ir.Graph{}, a.Graphs...)
	if a.Graph != nil {
		gs = append(gs, a.Graph)
	}
	return gs
}

// FixChecksum returns a copy of data with the header's body length and
// checksum recomputed (for fuzzing the decoder behind the checksum). Data
// shorter than the header is returned as is.
func FixChecksum(data []byte) []byte {
	if len(data) < headerSize {
		return data
	}
	b := bytes.Clone(data)
	binary.LittleEndian.PutUint64(b[16:], uint64(len(b)-headerSize))
	sum := sha256.Sum256(b[headerSize:])
	copy(b[24:56], sum[:])
	return b
}
