package ir

// Inference rules of the reductions, ArgMax/ArgMin, TopK and control flow.

// reduceShape drops (or, with keepdims, sets to 1) the given axes.
func reduceShape(x Shape, axes []int, keep bool) Shape {
	drop := map[int]bool{}
	for _, a := range axes {
		drop[a] = true
	}
	var dims []Dim
	for i, d := range x.Dims {
		switch {
		case !drop[i]:
			dims = append(dims, d)
		case keep:
			dims = append(dims, Fixed(1))
		}
	}
	return ranked(dims...)
}

// inferReduce covers the Reduce* family: axes as an attribute before
// version axesInput and as input 1 from then on (with noop_with_empty_axes).
func inferReduce(axesInput int64) inferFunc {
	return func(c *inferCtx, n *Node, out []vtype) error {
		x := inShape(n, 0)
		if len(out) == 0 || !x.Ranked {
			return nil
		}
		keep := n.AttrInt("keepdims", 1) != 0
		axes, present, ok := c.attrOrInputInts(n, "axes", axesInput, 1)
		if present && !ok {
			if keep {
				out[0].Shape = unknownDims(len(x.Dims))
			}
			return nil
		}
		if len(axes) == 0 {
			if n.Version >= axesInput && n.AttrInt("noop_with_empty_axes", 0) != 0 {
				out[0].Shape = x
				return nil
			}
			axes = make([]int64, len(x.Dims))
			for i := range axes {
				axes[i] = int64(i)
			}
		}
		norm, err := normAxes(n, axes, len(x.Dims))
		if err != nil {
			return err
		}
		out[0].Shape = reduceShape(x, norm, keep)
		return nil
	}
}

// inferArgReduce covers ArgMax and ArgMin.
func inferArgReduce(_ *inferCtx, n *Node, out []vtype) error {
	x := inShape(n, 0)
	if len(out) == 0 || !x.Ranked {
		return nil
	}
	axis, err := normAxis(n, n.AttrInt("axis", 0), len(x.Dims))
	if err != nil {
		return err
	}
	out[0].Shape = reduceShape(x, []int{axis}, n.AttrInt("keepdims", 1) != 0)
	return nil
}

func inferTopK(c *inferCtx, n *Node, out []vtype) error {
	x := inShape(n, 0)
	if !x.Ranked {
		return nil
	}
	axis, err := normAxis(n, n.AttrInt("axis", -1), len(x.Dims))
	if err != nil {
		return err
	}
	k := UnknownDim
	if n.Version < 10 {
		k = Fixed(n.AttrInt("k", 0))
	} else if ks, ok := c.constInts(n, 1); ok && len(ks) == 1 {
		k = Fixed(ks[0])
	}
	if k.Known() && x.Dims[axis].Known() && k.Size > x.Dims[axis].Size {
		return inferErr(n, "k=%d exceeds dim %d of shape %v", k.Size, axis, x)
	}
	s := ranked(x.Dims...)
	s.Dims[axis] = k
	for i := range out {
		out[i].Shape = s
	}
	return nil
}

// inferDet drops the two matrix dims.
func inferDet(_ *inferCtx, n *Node, out []vtype) error {
	x, ok, err := input0(n, out, 2, "matrix dims")
	if !ok {
		return err
	}
	out[0].Shape = ranked(x.Dims[:len(x.Dims)-2]...)
	return nil
}

// inferIf takes each output's type from the branches: the dtype they
// agree on and the dims they agree on.
func inferIf(_ *inferCtx, n *Node, out []vtype) error {
	then, els := n.Attr("then_branch"), n.Attr("else_branch")
	if then == nil || els == nil || then.Graph == nil || els.Graph == nil {
		return nil
	}
	for i := range out {
		if i >= len(then.Graph.Outputs) || i >= len(els.Graph.Outputs) {
			break
		}
		a, b := then.Graph.Outputs[i], els.Graph.Outputs[i]
		if a == nil || b == nil {
			continue
		}
		if a.DType == b.DType || b.DType == Undefined {
			out[i].DType = a.DType
		} else if a.DType == Undefined {
			out[i].DType = b.DType
		}
		out[i].Shape = commonShape(a.Shape, b.Shape)
	}
	return nil
}

// commonShape keeps what two shapes agree on: the rank and equal dims.
func commonShape(a, b Shape) Shape {
	if !a.Ranked || !b.Ranked || len(a.Dims) != len(b.Dims) {
		return UnrankedShape
	}
	s := ranked(a.Dims...)
	for i, d := range b.Dims {
		if d != s.Dims[i] {
			s.Dims[i] = UnknownDim
		}
	}
	return s
}

// inferLoop: the loop-carried outputs keep the types their initial values
// and the body agree on; the scan outputs stack the body's per-iteration
// outputs along a new leading dim.
func inferLoop(_ *inferCtx, n *Node, out []vtype) error {
	body := n.Attr("body")
	if body == nil || body.Graph == nil {
		return nil
	}
	carried := len(n.Inputs) - 2
	for i := range out {
		if i+1 >= len(body.Graph.Outputs) || body.Graph.Outputs[i+1] == nil {
			break
		}
		bo := body.Graph.Outputs[i+1]
		if out[i].DType == Undefined {
			out[i].DType = bo.DType
		}
		if i < carried {
			if init := n.Input(i + 2); init != nil {
				out[i].Shape = commonShape(init.Shape, bo.Shape)
			}
			continue
		}
		if bo.Shape.Ranked {
			out[i].Shape = ranked(append([]Dim{UnknownDim}, bo.Shape.Dims...)...)
		}
	}
	return nil
}

// inferScan (opset 9 on): the final states keep the types their initial
// values and the body agree on; each scan output stacks the body's
// per-iteration output along its scan_output_axes entry, the stacked
// length being that of the first scan input along its scan axis.
func inferScan(_ *inferCtx, n *Node, out []vtype) error {
	body := n.Attr("body")
	if body == nil || body.Graph == nil || n.Version < 9 {
		return nil
	}
	nScan := int(n.AttrInt("num_scan_inputs", 0))
	states := len(n.Inputs) - nScan
	if nScan <= 0 || states < 0 {
		return inferErr(n, "num_scan_inputs %d does not fit %d inputs", nScan, len(n.Inputs))
	}
	steps := UnknownDim
	inAxes, _ := n.AttrInts("scan_input_axes")
	if first := inShape(n, states); first.Ranked {
		ax, err := normAxis(n, scanAxis(inAxes, 0), len(first.Dims))
		if err != nil {
			return err
		}
		steps = first.Dims[ax]
	}
	outAxes, _ := n.AttrInts("scan_output_axes")
	for i := range out {
		if i >= len(body.Graph.Outputs) || body.Graph.Outputs[i] == nil {
			break
		}
		bo := body.Graph.Outputs[i]
		out[i].DType = bo.DType
		if i < states {
			if init := n.Input(i); init != nil {
				out[i].Shape = commonShape(init.Shape, bo.Shape)
			}
			continue
		}
		if !bo.Shape.Ranked {
			continue
		}
		ax, err := normAxis(n, scanAxis(outAxes, i-states), len(bo.Shape.Dims)+1)
		if err != nil {
			return err
		}
		dims := append(append(append([]Dim{}, bo.Shape.Dims[:ax]...), steps), bo.Shape.Dims[ax:]...)
		out[i].Shape = ranked(dims...)
	}
	return nil
}
