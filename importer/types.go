package importer

import (
	"fmt"

	"github.com/tfc-project/tfc/importer/onnxpb"
	"github.com/tfc-project/tfc/ir"
)

// elemDType converts an ONNX element type; 0 (undefined) is allowed and
// means "not known".
func elemDType(t int32) (ir.DType, error) {
	dt := ir.DType(t)
	if dt != ir.Undefined && !dt.Valid() {
		return ir.Undefined, fmt.Errorf("unknown element type %d", t)
	}
	return dt, nil
}

// shapeFromProto converts a declared shape: nil means unranked, dim_param
// becomes a symbol, dim_value a fixed size, anything else (also a negative
// dim_value) an unknown dim.
func shapeFromProto(sp *onnxpb.TensorShapeProto) ir.Shape {
	if sp == nil {
		return ir.UnrankedShape
	}
	s := ir.Shape{Ranked: true, Dims: make([]ir.Dim, len(sp.GetDim()))}
	for i, d := range sp.GetDim() {
		switch v := d.GetValue().(type) {
		case *onnxpb.TensorShapeProto_Dimension_DimValue:
			if v.DimValue >= 0 {
				s.Dims[i] = ir.Fixed(v.DimValue)
			} else {
				s.Dims[i] = ir.UnknownDim
			}
		case *onnxpb.TensorShapeProto_Dimension_DimParam:
			if v.DimParam != "" {
				s.Dims[i] = ir.Symbol(v.DimParam)
			} else {
				s.Dims[i] = ir.UnknownDim
			}
		default:
			s.Dims[i] = ir.UnknownDim
		}
	}
	return s
}

// setType fills v's DType, Shape and Kind from an ONNX type. A missing type
// leaves a tensor of unknown element type and rank. Sequences and maps
// carry their (innermost tensor) element type in DType and stay unranked;
// optionals carry the wrapped tensor's type and shape.
func setType(v *ir.Value, tp *onnxpb.TypeProto) error {
	v.Kind, v.DType, v.Shape = ir.TensorValue, ir.Undefined, ir.UnrankedShape
	if tp == nil {
		return nil
	}
	var err error
	switch t := tp.GetValue().(type) {
	case *onnxpb.TypeProto_TensorType:
		v.DType, err = elemDType(t.TensorType.GetElemType())
		v.Shape = shapeFromProto(t.TensorType.GetShape())
	case *onnxpb.TypeProto_SparseTensorType:
		v.Kind = ir.SparseTensorValue
		v.DType, err = elemDType(t.SparseTensorType.GetElemType())
		v.Shape = shapeFromProto(t.SparseTensorType.GetShape())
	case *onnxpb.TypeProto_SequenceType:
		var inner ir.Value
		err = setType(&inner, t.SequenceType.GetElemType())
		v.Kind, v.DType = ir.SequenceValue, inner.DType
	case *onnxpb.TypeProto_OptionalType:
		var inner ir.Value
		err = setType(&inner, t.OptionalType.GetElemType())
		v.Kind, v.DType = ir.OptionalValue, inner.DType
		if inner.Kind == ir.TensorValue {
			v.Shape = inner.Shape
		}
	case *onnxpb.TypeProto_MapType:
		var inner ir.Value
		err = setType(&inner, t.MapType.GetValueType())
		v.Kind, v.DType = ir.MapValue, inner.DType
	}
	return err
}

// typeValue describes an ONNX type (a TYPE_PROTO attribute) as a nameless value.
func typeValue(tp *onnxpb.TypeProto) (*ir.Value, error) {
	v := &ir.Value{}
	if err := setType(v, tp); err != nil {
		return nil, err
	}
	return v, nil
}
