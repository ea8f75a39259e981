package cuda

import (
	"fmt"
	"math"
	"slices"

	"github.com/tfc-project/tfc/ir"
)

// attnShape mirrors struct AttnShape of kernels/attention.cu.
type attnShape struct {
	B, H, HKV, SQ, SKV int64
	QS, KS, VS, OS     [3]int64 // strides per batch, head, position
	BiasS              [4]int64 // bias strides per batch, head, query, key
	Scale              float32
	Causal             int32
}

// maxSharedBytes is the shared memory a block may use without opting in.
const maxSharedBytes = 48 << 10

// attnConfig is the launch configuration of attention_f32 for head
// dimension d: query rows per block, key rows per tile (ATT_BK of the
// source) and dynamic shared memory bytes.
func attnConfig(d int64) (bq, bk int64, shared uint32, err error) {
	if d < 1 || d > 128 {
		return 0, 0, 0, fmt.Errorf("head dimension %d: the kernel takes 1 to 128", d)
	}
	bq, bk = 64, 32
	if d > 64 {
		bq, bk = 32, 16
	}
	bytes := (bq*(d+1) + 2*bk*d) * 4
	if bytes > maxSharedBytes {
		return 0, 0, 0, fmt.Errorf("head dimension %d needs %d bytes of shared memory", d, bytes)
	}
	return bq, bk, uint32(bytes), nil
}

// headsOf reads a Q, K, V or output shape in either layout: 3-D
// [B, S, H*D] with nh heads or 4-D [B, H, S, D]. It returns B, H, S, D and
// the strides per batch, head and position.
func headsOf(shape []int64, nh int64, what string) (b, h, s, d int64, st [3]int64, err error) {
	switch {
	case len(shape) == 4:
		b, h, s, d = shape[0], shape[1], shape[2], shape[3]
		return b, h, s, d, [3]int64{h * s * d, s * d, d}, nil
	case len(shape) == 3 && nh > 0 && shape[2]%nh == 0:
		b, h, s, d = shape[0], nh, shape[1], shape[2]/nh
		return b, h, s, d, [3]int64{s * h * d, d, h * d}, nil
	}
	return 0, 0, 0, 0, st, fmt.Errorf("%s of shape %v is neither [B,S,%d*D] nor [B,H,S,D]", what, shape, nh)
}

// attention lowers ai.tfc:Attention(Q, K, V, Bias?).
func (pr *program) attention(step int, n *ir.Node, in []int, y int) error {
	nh := n.AttrInt("num_heads", 0)
	nkv := n.AttrInt("kv_num_heads", 0)
	if nkv == 0 {
		nkv = nh
	}
	var s attnShape
	var qb, kb, vb, qd, kd, vd, kh, vh, vs int64
	var err error
	var kArg, vArg any = ptrArg(opt(in, 1)), ptrArg(opt(in, 2))
	if opt(in, 1) < 0 && opt(in, 2) < 0 { // packed [B, S, (H + 2·Hkv)·D]: K and V are column offsets into Q
		sh := pr.shapes[in[0]]
		if len(sh) != 3 || nh <= 0 || sh[2]%(nh+2*nkv) != 0 {
			return fmt.Errorf("packed Q of shape %v is not [B, S, (%d + 2·%d)·D]", sh, nh, nkv)
		}
		qd = sh[2] / (nh + 2*nkv)
		qb, s.H, s.SQ, s.QS = sh[0], nh, sh[1], [3]int64{sh[1] * sh[2], qd, sh[2]}
		kb, kh, s.SKV, kd, s.KS = qb, nkv, s.SQ, qd, s.QS
		vb, vh, vs, vd, s.VS = qb, nkv, s.SQ, qd, s.QS
		kArg, vArg = ptrOffArg{in[0], nh * qd * 4}, ptrOffArg{in[0], (nh + nkv) * qd * 4}
	} else if opt(in, 1) < 0 || opt(in, 2) < 0 {
		return fmt.Errorf("needs K and V, or neither (Q packed)")
	} else {
		if qb, s.H, s.SQ, qd, s.QS, err = headsOf(pr.shapes[in[0]], nh, "Q"); err != nil {
			return err
		}
		if kb, kh, s.SKV, kd, s.KS, err = headsOf(pr.shapes[in[1]], nkv, "K"); err != nil {
			return err
		}
		if vb, vh, vs, vd, s.VS, err = headsOf(pr.shapes[in[2]], nkv, "V"); err != nil {
			return err
		}
	}
	if kb != qb || vb != qb || kd != qd || vd != qd || vs != s.SKV || vh != kh || kh == 0 || s.H%kh != 0 {
		return fmt.Errorf("Q %v, K %v, V %v do not fit together (the kernel also needs V's head size to be Q's)",
			pr.shapes[in[0]], pr.shapes[in[1]], pr.shapes[in[2]])
	}
	s.B, s.HKV = qb, kh
	if _, _, _, _, s.OS, err = headsOf(pr.shapes[y], s.H, "Y"); err != nil {
		return err
	}
	bias := opt(in, 3)
	if bias >= 0 {
		st, err := broadcastStrides([]int64{s.B, s.H, s.SQ, s.SKV}, pr.shapes[bias])
		if err != nil {
			return fmt.Errorf("Bias: %w", err)
		}
		copy(s.BiasS[:], st)
	}
	s.Scale = n.AttrFloat("scale", float32(1/math.Sqrt(float64(qd))))
	if n.AttrInt("causal", 0) != 0 {
		s.Causal = 1
	}
	bq, _, shared, err := attnConfig(qd)
	if err != nil {
		return err
	}
	if !slices.Contains(pr.headDims, int(qd)) {
		pr.headDims = append(pr.headDims, int(qd))
		slices.Sort(pr.headDims)
	}
	pr.launches = append(pr.launches, launch{step: step, kernel: "attention_f32", headDim: int(qd),
		grid:  [3]uint32{uint32((s.SQ + bq - 1) / bq), uint32(s.H), uint32(s.B)},
		block: [3]uint32{uint32(bq), 1, 1}, shared: shared,
		args: []any{ptrArg(in[0]), kArg, vArg, ptrArg(bias), ptrArg(y), s}})
	return nil
}
